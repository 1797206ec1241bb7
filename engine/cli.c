#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#include "param.h"
#include "scenario.h"

static const uint64_t MAX_CUSTOMERS = UINT64_C(1000000000000);
enum { MAX_THREADS = 1024 };

static const char RUN_OPTIONS[] =
    N_("  --out DIR          results directory (default: results/<scenario file name>);\n"
       "                     a previous cjmsim result there is replaced\n"
       "  --customers N      customers to simulate (default: the scenario's, else 10000)\n"
       "  --arrivals N       N new customers arrive every day instead of one cohort on\n"
       "                     day 0 (replaces the scenario's arrivals, even a function)\n"
       "  --days N           days to simulate (default: the scenario's, else 180)\n"
       "  --seed N           random seed (default: the scenario's, else 1)\n"
       "  --variants LIST    variants to compare, e.g. baseline,notify,notify+consult\n"
       "                     (default: baseline, each intervention, all together)\n"
       "  --threads N        worker threads (default: one per core); results do not\n"
       "                     depend on it\n"
       "  --quiet            print nothing but errors and warnings\n"
       "  --exact            compute the expected results exactly, carrying the\n"
       "                     distribution of customer states day by day instead of\n"
       "                     sampling customers (no seed, no intervals: the figures\n"
       "                     are expected values, real numbers)\n"
       "  --pdf              also write report.pdf, printed by Chromium (needs chromium)\n"
       "  --png              draw every plot as PNG too, for slides and chats (the\n"
       "                     plots are SVG, which the report embeds; PNG takes longer)\n");

static const char PARAM_OPTIONS[] =
    N_("  --set NAME=VALUE   give the scenario's parameter NAME this value instead of\n"
       "                     its default (repeatable)\n"
       "  --params FILE      take parameter values from the \"params\" object of a JSON\n"
       "                     file such as calibration.json; --set wins over it\n");

static const char LUA_LIMITS[] =
    N_("Limits of the scenario's Lua sandbox:\n"
       "  --lua-instructions N  Lua instructions a scenario may run (default 200000000)\n"
       "  --lua-memory MB       memory a scenario may use (default 512)\n"
       "  --lua-seconds S       time loading and compiling may take (default 10)\n");

static const char LANG_OPTION[] =
    N_("  --lang ru|en       the language of messages, help, the report and the plots\n"
       "                     (default: LC_ALL, LC_MESSAGES or LANG; any command)\n");

static const char RUN_EXIT[] =
    N_("Exit status: 0 success, 2 bad command line, 3 scenario error, 4 results could\n"
       "not be written, 5 out of memory or system error, 130 interrupted.\n");

/* What `run` accepts, its sandbox limits and its exit statuses: the same in
 * the general help and in `cjmsim run --help`. */
static void run_options_help(FILE *f)
{
    fputs(_(RUN_OPTIONS), f);
    fputs(_(PARAM_OPTIONS), f);
    fputs("\n", f);
    fputs(_(LUA_LIMITS), f);
    fputs("\n", f);
    fputs(_(LANG_OPTION), f);
    fputs("\n", f);
    fputs(_(RUN_EXIT), f);
}

void cli_usage(FILE *f)
{
    fputs(_("Usage: cjmsim run SCENARIO.lua [options]\n"
            "       cjmsim check SCENARIO.lua [options]\n"
            "       cjmsim sweep SCENARIO.lua --vary NAME=LO:HI:STEP [options]\n"
            "       cjmsim psa SCENARIO.lua [--draws N] [options]\n"
            "       cjmsim breakeven SCENARIO.lua --param NAME --variant V [options]\n"
            "       cjmsim calibrate SCENARIO.lua [--fit NAME,...] [options]\n"
            "       cjmsim new NAME\n"
            "       cjmsim fit EVENTS.csv --out SCENARIO.lua [options]\n"
            "       cjmsim compare A B [--out DIR]\n"
            "       cjmsim serve SCENARIO.lua [--port N]\n"
            "       cjmsim help [COMMAND] | --help | --version\n"
            "\n"
            "Simulates the customer journey of a scenario for the baseline and every variant\n"
            "on the same synthetic customers, prints a summary and writes a results directory.\n"
            "\n"
            "Commands:\n"
            "  run      simulate a scenario and write its results (cjmsim help run)\n"
            "  check    check a scenario without simulating it and show the journey it\n"
            "           describes (cjmsim help check)\n"
            "  new      write NAME.lua, a commented scenario that runs as is, to start\n"
            "           from (cjmsim help new)\n"
            "  fit      write a scenario estimated from an event log or path data\n"
            "           (cjmsim help fit)\n"
            "  sweep    run a grid of parameter values (cjmsim help sweep)\n"
            "  psa      how sure the answer is, given the uncertain parameters\n"
            "           (cjmsim help psa)\n"
            "  breakeven  the parameter value at which a variant stops paying\n"
            "           (cjmsim help breakeven)\n"
            "  calibrate  fit parameters to the scenario's targets (cjmsim help calibrate)\n"
            "  compare  put two results (or two scenarios) side by side (cjmsim help compare)\n"
            "  serve    a live page of a scenario with a slider per parameter, on this\n"
            "           computer only (cjmsim help serve)\n"
            "\n"
            "Options of run:\n"),
          f);
    run_options_help(f);
    fputs(_("\nMore: man cjmsim, and docs/scenario-language.md for the scenario files.\n"), f);
}

static void run_help(FILE *f)
{
    fputs(_("Usage: cjmsim run SCENARIO.lua [options]\n"
            "\n"
            "Simulates the customer journey of a scenario for the baseline and every variant\n"
            "on the same synthetic customers, prints a summary and writes a results directory\n"
            "(summary.json, funnel.csv, transitions.csv, daily.csv, manifest.json, ...).\n"
            "\n"
            "Options:\n"),
          f);
    run_options_help(f);
}

static void check_help(FILE *f)
{
    fputs(_("Usage: cjmsim check SCENARIO.lua [options]\n"
            "\n"
            "Checks a scenario without simulating it and shows what it means: the\n"
            "personas, the stages, the daily probability of every transition for each\n"
            "persona (lo..hi where it depends on the customer's mood, purchases or days in\n"
            "the stage), where customers end up from stages with constant probabilities,\n"
            "stages nobody can reach, stages nobody can leave, and what each variant\n"
            "changes. It finds every mistake run would find, and writes nothing.\n"
            "\n"
            "Options:\n"
            "  --days N           days the probabilities are checked over (default: the\n"
            "                     scenario's, else 180)\n"
            "  --seed N           seed of math.random in the scenario (default 0, as run\n"
            "                     without --seed)\n"
            "  --variants LIST    variants to check, e.g. baseline,notify,notify+consult\n"
            "                     (default: baseline, each intervention, all together)\n"),
          f);
    fputs(_(PARAM_OPTIONS), f);
    fputs("\n", f);
    fputs(_(LUA_LIMITS), f);
    fputs("\n", f);
    fputs(_(LANG_OPTION), f);
    fputs(_("\n"
            "Exit status: 0 the scenario is valid, 2 bad command line, 3 scenario error\n"
            "(the message names file:line), 5 out of memory or system error.\n"),
          f);
}

static const char ANALYSIS_EXIT[] =
    N_("Exit status: 0 success, 2 bad command line (an unknown parameter, a bad grid,\n"
       "a bad number of draws), 3 scenario error (naming the parameter values that\n"
       "caused it), 4 results could not be written, 5 out of memory or system error,\n"
       "130 interrupted.\n");

/* The options an analysis shares with run. */
static void analysis_options_help(FILE *f)
{
    fputs(_(RUN_OPTIONS), f);
    fputs(_(PARAM_OPTIONS), f);
    fputs(_("                     (a parameter given a value is held at it)\n\n"), f);
    fputs(_(LUA_LIMITS), f);
    fputs("\n", f);
    fputs(_(ANALYSIS_EXIT), f);
}

static void sweep_help(FILE *f)
{
    fputs(_("Usage: cjmsim sweep SCENARIO.lua --vary NAME=LO:HI:STEP [--vary ...] [options]\n"
            "\n"
            "Runs the scenario for every point of a grid of parameter values, all on the\n"
            "same customers with the same random numbers, and writes sweep.csv (one row\n"
            "per point, variant and persona, \"all\" for everyone) and plots of each\n"
            "variant's uplift in repeat buyers and incremental profit against the first\n"
            "varied parameter.\n"
            "\n"
            "  --vary NAME=LO:HI:STEP   the values LO, LO+STEP, ... up to HI\n"
            "  --vary NAME=V1,V2,...    these values\n"
            "                           (repeatable: the grid is every combination)\n"
            "\n"
            "Options:\n"),
          f);
    analysis_options_help(f);
}

static void psa_help(FILE *f)
{
    /* xgettext:no-c-format */
    fputs(_("Usage: cjmsim psa SCENARIO.lua [--draws N] [--lhs] [options]\n"
            "\n"
            "Probabilistic sensitivity analysis: draws every uncertain parameter (one with\n"
            "a distribution or a low..high range) N times, simulates every variant for\n"
            "each draw on the same customers, and says how likely each variant is to be\n"
            "the most profitable and to pay back. Writes psa.csv (one row per draw and\n"
            "variant), psa.json (means, 95% intervals over the draws, p_best,\n"
            "p_pays_back, evpi), tornado.csv (each parameter at its low and high, the\n"
            "others at their defaults) and plots.\n"
            "\n"
            "  --draws N          parameter draws (default 1000, at most 1000000)\n"
            "  --lhs              Latin hypercube draws instead of independent ones\n"
            "  --calibrated FILE  draw the parameters FILE fitted (a calibration.json) from\n"
            "                     the normal approximation of the fit, within [low, high]\n"
            "\n"
            "Options:\n"),
          f);
    analysis_options_help(f);
}

static void breakeven_help(FILE *f)
{
    fputs(_("Usage: cjmsim breakeven SCENARIO.lua --param NAME --variant V [options]\n"
            "\n"
            "Finds the value of parameter NAME in its [low, high] at which variant V's\n"
            "incremental profit over the baseline is 0, says it in a sentence and writes\n"
            "breakeven.json. Every value is simulated on the same customers with the same\n"
            "random numbers, so profit against NAME is one deterministic curve.\n"
            "\n"
            "  --param NAME       a parameter declared with low and high\n"
            "  --variant V        the variant, e.g. expert_consultation\n"
            "\n"
            "Options:\n"),
          f);
    analysis_options_help(f);
}

static void calibrate_help(FILE *f)
{
    /* xgettext:no-c-format */
    fputs(_("Usage: cjmsim calibrate SCENARIO.lua [--fit NAME,...] [options]\n"
          "\n"
          "Fits parameters to the scenario's targets (target \"name\" { ... }: K of N\n"
          "customers reached a stage, bought or bought again): the values in [low, high]\n"
          "under which the observed counts are most likely (binomial likelihood of the\n"
          "baseline's shares), found by a global search (DIRECT-L) and then a local one\n"
          "(BOBYQA) from several starts. Writes calibration.json (params, 95% intervals\n"
          "from the likelihood profile, each target's fitted share and z, loglik) and\n"
          "plots/calibration.svg, and warns when the targets cannot tell parameters apart,\n"
          "naming the stage whose count would separate them. Run the fitted model with\n"
          "  cjmsim run SCENARIO.lua --params DIR/calibration.json\n"
          "\n"
          "  --fit NAME,...     the parameters to fit (default: every one with low and high)\n"
          "  --monte-carlo      fit simulated shares (the same seed and customers at every\n"
          "                     evaluation) instead of the exact expected values\n"
          "\n"
          "Options:\n"),
          f);
    analysis_options_help(f);
}

static void new_help(FILE *f)
{
    fputs(_("Usage: cjmsim new NAME\n"
            "\n"
            "Writes NAME.lua (NAME itself when it ends in .lua): a short scenario with\n"
            "comments on every line that runs as is, to change into your own. It never\n"
            "overwrites a file.\n"
            "\n"
            "  cjmsim new my_shop          writes my_shop.lua\n"
            "  cjmsim check my_shop.lua    shows the journey it describes\n"
            "  cjmsim run my_shop.lua      simulates it\n"
            "\n"
            "Exit status: 0 written, 2 bad command line, 4 the file exists or cannot be\n"
            "written, 5 the template is missing or another system failure.\n"),
          f);
}

static void compare_help(FILE *f)
{
    /* xgettext:no-c-format */
    fputs(_("Usage: cjmsim compare A B [--out DIR] [--quiet]\n"
            "\n"
            "Puts two results side by side: for every variant (matched by name) the share\n"
            "of customers who reached each stage (matched by name), buyers, repeat buyers,\n"
            "the uplift and the money, B - A, and whether the difference is within the\n"
            "simulation's precision (it may be chance) or beyond it. A and B are results\n"
            "directories (holding summary.json) or scenario files (.lua), which are run\n"
            "first into results/<file name> as cjmsim run would. What one side lacks is\n"
            "shown as a dash.\n"
            "\n"
            "A difference is beyond the simulation's precision when it exceeds 1.96\n"
            "standard errors of the difference of two independent runs: the square root of\n"
            "the sum of both sides' squared errors (binomial errors of the shares; for\n"
            "uplifts, each side's 95% interval half-width / 1.96).\n"
            "\n"
            "Options:\n"
            "  --out DIR    where compare.html and its manifest.json go (default:\n"
            "               results/compare-<A>-<B>); a previous comparison there is\n"
            "               replaced\n"
            "  --quiet      print nothing but errors\n"
            "\n"
            "Exit status: 0 compared, 2 bad command line, 3 a scenario error (when a\n"
            "scenario is run), 4 a summary.json missing or not a cjmsim summary (the\n"
            "message names the file) or compare.html could not be written, 5 out of memory\n"
            "or system error, 130 interrupted.\n"),
          f);
}

static void serve_help(FILE *f)
{
    fputs(_("Usage: cjmsim serve SCENARIO.lua [--port N] [options]\n"
            "\n"
            "Serves a live page of the scenario on this computer only (127.0.0.1): the\n"
            "journey map with the simulated funnel and emotion curve, the verdict and the\n"
            "money of every variant, and a slider for every parameter the scenario\n"
            "declares with low and high. Moving a slider re-simulates with that value;\n"
            "saving the scenario file re-simulates it too. A scenario error is shown on\n"
            "the page with its file:line and the last good numbers stay.\n"
            "\n"
            "It prints the page's address, http://127.0.0.1:PORT/?token=..., with a random\n"
            "token: a request without it is refused (403), so other users of the computer\n"
            "cannot use the page. Ctrl-C stops it.\n"
            "\n"
            "Options:\n"
            "  --port N           the port (default 0: a free one, printed)\n"
            "  --customers N      customers per simulation (default: the scenario's)\n"
            "  --days N, --seed N, --variants LIST, --threads N   as for run\n"),
          f);
    fputs(_(PARAM_OPTIONS), f);
    fputs("\n", f);
    fputs(_(LUA_LIMITS), f);
    fputs(_("\n"
            "Exit status: 0 stopped by Ctrl-C or SIGTERM, 2 bad command line, 3 the\n"
            "scenario has an error at start, 5 the port is taken or another system\n"
            "failure.\n"),
          f);
}

static void fit_help(FILE *f)
{
    fputs(_("Usage: cjmsim fit EVENTS.csv --out SCENARIO.lua [options]\n"
            "\n"
            "Writes a runnable scenario estimated from what the shop observed. EVENTS.csv is\n"
            "an event log: a header and the columns customer, day (a whole number or a date\n"
            "YYYY-MM-DD) and stage, and optionally persona and amount; each row says that\n"
            "the customer entered that stage on that day, its first row is its entry. Each\n"
            "daily probability is moves / customer-days at risk in the stage it leaves\n"
            "(customers still there when the log ends count until then), per persona, and\n"
            "becomes a parameter with a beta distribution for psa; a stage whose dwell time\n"
            "is clearly not geometric gets probabilities by day in the stage instead.\n"
            "A file with the columns path and total_conversions (and optionally total_null,\n"
            "total_conversion_value) is read as path data (\"ads > site > order\"): each\n"
            "step is taken to happen on the next day.\n"
            "\n"
            "Options:\n"
            "  --out FILE         the scenario to write (required); an existing file is\n"
            "                     kept unless --force\n"
            "  --purchase STAGE   a purchase stage (repeatable, or a comma list); its value\n"
            "                     is the mean amount of its rows\n"
            "  --days N           the log ends N days after its first day (default: its\n"
            "                     last event)\n"
            "  --paths            read the file as path data whatever its header\n"
            "  --force            replace --out if it exists\n"
            "  --quiet            print nothing but errors and warnings\n"
            "\n"
            "Exit status: 0 written, 2 bad command line, 3 bad data (the message names\n"
            "FILE:LINE:FIELD), 4 --out exists or cannot be written, 5 system error.\n"),
          f);
}

void cli_help(FILE *f, cli_command topic)
{
    switch (topic) {
    case CLI_RUN:
        run_help(f);
        return;
    case CLI_CHECK:
        check_help(f);
        return;
    case CLI_NEW:
        new_help(f);
        return;
    case CLI_FIT:
        fit_help(f);
        return;
    case CLI_COMPARE:
        compare_help(f);
        return;
    case CLI_SERVE:
        serve_help(f);
        return;
    case CLI_SWEEP:
        sweep_help(f);
        return;
    case CLI_PSA:
        psa_help(f);
        return;
    case CLI_BREAKEVEN:
        breakeven_help(f);
        return;
    case CLI_CALIBRATE:
        calibrate_help(f);
        return;
    case CLI_HELP:
    case CLI_VERSION:
        break;
    }
    cli_usage(f);
}

bool cli_number(const char *what, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                cj_err *err)
{
    if (!text[0] || strspn(text, "0123456789") != strlen(text)) {
        cj_fail(err, CJ_ERR_USAGE,
                _("%s: '%s' is not a whole number (write digits only, e.g. %llu)"), what, text,
                (unsigned long long)(min > 1 ? min : 1000));
        return false;
    }
    uint64_t v = 0;
    for (const char *p = text; *p; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - digit) / 10) {
            v = UINT64_MAX;
            break;
        }
        v = v * 10 + digit;
    }
    if (v < min || v > max) {
        cj_fail(err, CJ_ERR_USAGE, _("%s: %s is out of range: it must be from %llu to %llu"), what,
                text, (unsigned long long)min, (unsigned long long)max);
        return false;
    }
    *out = v;
    return true;
}

/* The value of an option given as "--opt value" or "--opt=value". */
static const char *option_value(int argc, char **argv, int *i, const char *name, cj_err *err)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (arg[len] == '=')
        return arg + len + 1;
    if (*i + 1 >= argc) {
        cj_fail(err, CJ_ERR_USAGE, _("%s needs a value"), name);
        return NULL;
    }
    return argv[++*i];
}

/* A numeric option's value, checked to lie in [min, max]. */
static bool number_option(int argc, char **argv, int *i, const char *name, uint64_t min,
                          uint64_t max, uint64_t *n, cj_err *err)
{
    const char *value = option_value(argc, argv, i, name, err);
    return value && cli_number(name, value, min, max, n, err);
}

static bool option_is(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return strncmp(arg, name, len) == 0 && (arg[len] == '\0' || arg[len] == '=');
}

/* Options of run that check does not take: it simulates nothing and writes
 * nothing. */
static bool run_only(const char *arg)
{
    static const char *const NAMES[] = {"--out",      "--customers", "--threads", "--quiet",
                                        "--exact",    "--arrivals",  "--png",     NULL};
    if (strcmp(arg, "-q") == 0)
        return true;
    for (const char *const *name = NAMES; *name; name++)
        if (option_is(arg, *name))
            return true;
    return false;
}

static const char *command_name(cli_command c)
{
    switch (c) {
    case CLI_CHECK:
        return "check";
    case CLI_SWEEP:
        return "sweep";
    case CLI_PSA:
        return "psa";
    case CLI_BREAKEVEN:
        return "breakeven";
    case CLI_SERVE:
        return "serve";
    case CLI_CALIBRATE:
        return "calibrate";
    default:
        return "run";
    }
}

/* An option that belongs to one analysis command only: NULL when arg is
 * none of them, else the command it belongs to. */
static const char *analysis_only(const char *arg, cli_command *owner)
{
    static const struct {
        const char *name;
        cli_command command;
    } OWN[] = {{"--vary", CLI_SWEEP},
               {"--draws", CLI_PSA},
               {"--lhs", CLI_PSA},
               {"--param", CLI_BREAKEVEN},
               {"--variant", CLI_BREAKEVEN},
               {"--fit", CLI_CALIBRATE},
               {"--calibrated", CLI_PSA},
               {"--monte-carlo", CLI_CALIBRATE}};
    for (size_t i = 0; i < sizeof OWN / sizeof OWN[0]; i++)
        if (option_is(arg, OWN[i].name)) {
            *owner = OWN[i].command;
            return OWN[i].name;
        }
    return NULL;
}

/* Options of run that serve does not take: it writes no results directory. */
static bool serve_refuses(const char *arg)
{
    static const char *const NAMES[] = {"--out", "--quiet", "--pdf", "--png", NULL};
    if (strcmp(arg, "-q") == 0)
        return true;
    for (const char *const *name = NAMES; *name; name++)
        if (option_is(arg, *name))
            return true;
    return false;
}

/* The options of run, check, serve, sweep, psa or breakeven (o->command
 * says which). */
static cj_status parse_scenario_command(int argc, char **argv, int first, cli_options *o,
                                        cj_err *err)
{
    bool check = o->command == CLI_CHECK;
    bool serve = o->command == CLI_SERVE;
    const char *cmd = command_name(o->command);
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        uint64_t n;
        cli_command owner = CLI_RUN;
        const char *own;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help_topic = o->command;
            o->command = CLI_HELP;
            return CJ_OK;
        } else if ((own = analysis_only(arg, &owner)) && owner != o->command) {
            return cj_fail(err, CJ_ERR_USAGE, _("%s belongs to cjmsim %s (see cjmsim help %s)"),
                           own, command_name(owner), command_name(owner));
        } else if (option_is(arg, "--vary")) {
            if (!(value = option_value(argc, argv, &i, "--vary", err)))
                return err->status;
            if (o->n_vary == CLI_MAX_VARY)
                return cj_fail(err, CJ_ERR_USAGE, _("at most %d --vary options"), CLI_MAX_VARY);
            o->vary[o->n_vary++] = value;
        } else if (option_is(arg, "--draws")) {
            if (!number_option(argc, argv, &i, "--draws", 1, CLI_MAX_DRAWS, &n, err))
                return err->status;
            o->draws = n;
        } else if (strcmp(arg, "--lhs") == 0) {
            o->lhs = true;
        } else if (option_is(arg, "--param")) {
            if (!(value = option_value(argc, argv, &i, "--param", err)))
                return err->status;
            o->param = value;
        } else if (option_is(arg, "--fit")) {
            if (!(value = option_value(argc, argv, &i, "--fit", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--fit needs parameter names: --fit a,b"));
            o->fit = value;
        } else if (option_is(arg, "--calibrated")) {
            if (!(value = option_value(argc, argv, &i, "--calibrated", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--calibrated needs a file name"));
            o->calibrated = value;
        } else if (strcmp(arg, "--monte-carlo") == 0) {
            o->monte_carlo = true;
        } else if (option_is(arg, "--variant")) {
            if (!(value = option_value(argc, argv, &i, "--variant", err)))
                return err->status;
            o->variant = value;
        } else if (check && run_only(arg)) {
            return cj_fail(err, CJ_ERR_USAGE,
                           _("check takes no %.*s: it simulates nothing and "
                             "writes nothing (see cjmsim check --help)"),
                           (int)strcspn(arg, "="), arg);
        } else if (check && (option_is(arg, "--pdf") || option_is(arg, "--port"))) {
            return cj_fail(err, CJ_ERR_USAGE, _("check takes no %.*s (see cjmsim check --help)"),
                           (int)strcspn(arg, "="), arg);
        } else if (serve && serve_refuses(arg)) {
            return cj_fail(err, CJ_ERR_USAGE,
                           _("serve takes no %.*s: it writes no results (see cjmsim serve --help)"),
                           (int)strcspn(arg, "="), arg);
        } else if (!serve && option_is(arg, "--port")) {
            return cj_fail(err, CJ_ERR_USAGE, _("--port is an option of cjmsim serve"));
        } else if (option_is(arg, "--port")) {
            if (!number_option(argc, argv, &i, "--port", 0, 65535, &n, err))
                return err->status;
            o->port = (unsigned)n;
        } else if (strcmp(arg, "--pdf") == 0 && o->command != CLI_RUN) {
            return cj_fail(err, CJ_ERR_USAGE, _("--pdf is an option of cjmsim run"));
        } else if (strcmp(arg, "--pdf") == 0) {
            o->pdf = true;
        } else if (strcmp(arg, "--png") == 0 && o->command == CLI_BREAKEVEN) {
            return cj_fail(err, CJ_ERR_USAGE,
                           _("breakeven draws no plots: --png is for run, sweep, psa and "
                             "calibrate"));
        } else if (strcmp(arg, "--png") == 0) {
            o->png = true;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            o->quiet = true;
        } else if (strcmp(arg, "--exact") == 0) {
            o->exact = true;
        } else if (option_is(arg, "--out")) {
            if (!(value = option_value(argc, argv, &i, "--out", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--out needs a directory name"));
            o->out = value;
        } else if (option_is(arg, "--customers")) {
            if (!number_option(argc, argv, &i, "--customers", 1, MAX_CUSTOMERS, &n, err))
                return err->status;
            o->customers = (int64_t)n;
            o->has_customers = true;
        } else if (option_is(arg, "--arrivals")) {
            if (!number_option(argc, argv, &i, "--arrivals", 1, MAX_CUSTOMERS, &n, err))
                return err->status;
            o->arrivals = (int64_t)n;
            o->has_arrivals = true;
        } else if (option_is(arg, "--days")) {
            if (!number_option(argc, argv, &i, "--days", 1, SCN_MAX_DAYS, &n, err))
                return err->status;
            o->days = (int)n;
            o->has_days = true;
        } else if (option_is(arg, "--seed")) {
            if (!number_option(argc, argv, &i, "--seed", 0, INT64_MAX, &n, err))
                return err->status;
            o->seed = n;
            o->has_seed = true;
        } else if (option_is(arg, "--threads")) {
            if (!number_option(argc, argv, &i, "--threads", 1, MAX_THREADS, &n, err))
                return err->status;
            o->threads = (int)n;
        } else if (option_is(arg, "--lua-instructions")) {
            if (!number_option(argc, argv, &i, "--lua-instructions", 1000,
                               UINT64_C(1000000000000000), &n, err))
                return err->status;
            o->lua_instructions = n;
        } else if (option_is(arg, "--lua-memory")) {
            if (!number_option(argc, argv, &i, "--lua-memory", 1, 1024 * 1024, &n, err))
                return err->status;
            o->lua_memory_mb = n;
        } else if (option_is(arg, "--lua-seconds")) {
            if (!number_option(argc, argv, &i, "--lua-seconds", 1, 86400, &n, err))
                return err->status;
            o->lua_seconds = (unsigned)n;
        } else if (option_is(arg, "--variants")) {
            if (!(value = option_value(argc, argv, &i, "--variants", err)))
                return err->status;
            o->variants = value;
        } else if (option_is(arg, "--set")) {
            char name[PRM_NAME_MAX + 1];
            double x;
            if (!(value = option_value(argc, argv, &i, "--set", err)) ||
                prm_parse_assignment(value, name, &x, err) != CJ_OK)
                return err->status;
            if (o->n_sets == CLI_MAX_SETS)
                return cj_fail(err, CJ_ERR_USAGE,
                               _("at most %d --set options; put the values in a --params file"),
                               CLI_MAX_SETS);
            o->sets[o->n_sets++] = value;
        } else if (option_is(arg, "--params")) {
            if (!(value = option_value(argc, argv, &i, "--params", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--params needs a file name"));
            o->params_file = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cj_fail(err, CJ_ERR_USAGE, _("unknown option '%s' (see cjmsim %s%s--help)"), arg,
                           o->command == CLI_RUN ? "" : cmd, o->command == CLI_RUN ? "" : " ");
        } else if (o->scenario) {
            return cj_fail(err, CJ_ERR_USAGE, _("one scenario at a time: got '%s' and '%s'"),
                           o->scenario, arg);
        } else {
            o->scenario = arg;
        }
    }
    if (!o->scenario)
        return cj_fail(err, CJ_ERR_USAGE, _("%s needs a scenario file: cjmsim %s scenario.lua"),
                       cmd, cmd);
    if (o->command == CLI_SWEEP && o->n_vary == 0)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("sweep needs at least one --vary NAME=LO:HI:STEP or NAME=V1,V2,..."));
    if (o->command == CLI_BREAKEVEN && (!o->param || !o->param[0]))
        return cj_fail(err, CJ_ERR_USAGE,
                       _("breakeven needs --param NAME: the parameter to solve for"));
    if (o->command == CLI_BREAKEVEN && (!o->variant || !o->variant[0]))
        return cj_fail(err, CJ_ERR_USAGE,
                       _("breakeven needs --variant V: the variant whose incremental profit is 0"));
    if (o->command == CLI_BREAKEVEN && o->variants)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("breakeven compares one variant with the baseline: give --variant, not "
                         "--variants"));
    if (o->command == CLI_CALIBRATE && o->monte_carlo && o->exact)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("calibrate: --exact (the default) or --monte-carlo, not both"));
    if (o->command == CLI_CALIBRATE && o->variants)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("calibrate takes no --variants: targets describe the baseline"));
    return CJ_OK;
}

static cj_status parse_new(int argc, char **argv, int first, cli_options *o, cj_err *err)
{
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help_topic = CLI_NEW;
            o->command = CLI_HELP;
            return CJ_OK;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cj_fail(err, CJ_ERR_USAGE, _("unknown option '%s' (see cjmsim new --help)"),
                           arg);
        } else if (o->name) {
            return cj_fail(err, CJ_ERR_USAGE, _("one name at a time: got '%s' and '%s'"), o->name,
                           arg);
        } else {
            o->name = arg;
        }
    }
    if (!o->name)
        return cj_fail(err, CJ_ERR_USAGE, _("new needs a name: cjmsim new my_shop"));
    return CJ_OK;
}

/* `cjmsim compare A B [--out DIR] [--quiet]`. */
static cj_status parse_compare(int argc, char **argv, int first, cli_options *o, cj_err *err)
{
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *value;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help_topic = CLI_COMPARE;
            o->command = CLI_HELP;
            return CJ_OK;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            o->quiet = true;
        } else if (option_is(arg, "--out")) {
            if (!(value = option_value(argc, argv, &i, "--out", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--out needs a directory name"));
            o->out = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cj_fail(err, CJ_ERR_USAGE, _("unknown option '%s' (see cjmsim compare --help)"),
                           arg);
        } else if (!o->compare_a) {
            o->compare_a = arg;
        } else if (!o->compare_b) {
            o->compare_b = arg;
        } else {
            return cj_fail(err, CJ_ERR_USAGE, _("compare takes two results: got a third, '%s'"),
                           arg);
        }
    }
    if (!o->compare_b)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("compare needs two results directories or scenarios: cjmsim compare "
                         "results/a results/b"));
    return CJ_OK;
}

/* `cjmsim fit EVENTS.csv --out S.lua [options]`. */
static cj_status parse_fit(int argc, char **argv, int first, cli_options *o, cj_err *err)
{
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        uint64_t n;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help_topic = CLI_FIT;
            o->command = CLI_HELP;
            return CJ_OK;
        } else if (strcmp(arg, "--force") == 0) {
            o->force = true;
        } else if (strcmp(arg, "--paths") == 0) {
            o->paths = true;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            o->quiet = true;
        } else if (option_is(arg, "--out")) {
            if (!(value = option_value(argc, argv, &i, "--out", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--out needs a file name"));
            o->out = value;
        } else if (option_is(arg, "--days")) {
            if (!number_option(argc, argv, &i, "--days", 1, SCN_MAX_DAYS, &n, err))
                return err->status;
            o->days = (int)n;
            o->has_days = true;
        } else if (option_is(arg, "--purchase")) {
            if (!(value = option_value(argc, argv, &i, "--purchase", err)))
                return err->status;
            if (!value[0])
                return cj_fail(err, CJ_ERR_USAGE, _("--purchase needs a stage name"));
            if (o->n_purchase == CLI_MAX_PURCHASE)
                return cj_fail(err, CJ_ERR_USAGE, _("more than %d --purchase options"),
                               CLI_MAX_PURCHASE);
            o->purchase[o->n_purchase++] = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cj_fail(err, CJ_ERR_USAGE, _("unknown option '%s' (see cjmsim fit --help)"),
                           arg);
        } else if (o->events) {
            return cj_fail(err, CJ_ERR_USAGE, _("one file at a time: got '%s' and '%s'"), o->events,
                           arg);
        } else {
            o->events = arg;
        }
    }
    if (!o->events)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("fit needs an event log: cjmsim fit events.csv --out shop.lua"));
    if (!o->out)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("fit needs --out: the scenario file to write, e.g. --out shop.lua"));
    return CJ_OK;
}

/* `cjmsim help [COMMAND]`. */
static cj_status parse_help(int argc, char **argv, cli_options *o, cj_err *err)
{
    static const struct {
        const char *name;
        cli_command command;
    } TOPICS[] = {{"run", CLI_RUN},         {"check", CLI_CHECK}, {"new", CLI_NEW},
                  {"fit", CLI_FIT},         {"sweep", CLI_SWEEP}, {"psa", CLI_PSA},
                  {"breakeven", CLI_BREAKEVEN}, {"compare", CLI_COMPARE},
                  {"serve", CLI_SERVE},     {"calibrate", CLI_CALIBRATE}};
    o->command = CLI_HELP;
    o->help_topic = CLI_HELP;
    if (argc < 3)
        return CJ_OK;
    if (argc > 3)
        return cj_fail(err, CJ_ERR_USAGE, _("help takes one command: cjmsim help run"));
    for (size_t i = 0; i < sizeof TOPICS / sizeof TOPICS[0]; i++)
        if (strcmp(argv[2], TOPICS[i].name) == 0) {
            o->help_topic = TOPICS[i].command;
            return CJ_OK;
        }
    return cj_fail(err, CJ_ERR_USAGE,
                   _("no help on '%s': the commands are run, check, new, fit, sweep, psa, "
                     "breakeven, calibrate, compare and serve"),
                   argv[2]);
}

/* --lang X or --lang=X: 1 or 2 words; 0 for any other word. */
static int lang_words(int argc, char **argv, int i)
{
    if (strcmp(argv[i], "--lang") == 0)
        return i + 1 < argc ? 2 : 1;
    return strncmp(argv[i], "--lang=", 7) == 0 ? 1 : 0;
}

cj_status cli_lang(int argc, char **argv, const char **lang, cj_err *err)
{
    *lang = NULL;
    for (int i = 1; i < argc; i++) {
        int words = lang_words(argc, argv, i);
        if (!words)
            continue;
        if (strcmp(argv[i], "--lang") == 0 && words == 1)
            return cj_fail(err, CJ_ERR_USAGE, _("%s needs a value"), "--lang");
        *lang = words == 2 ? argv[i + 1] : argv[i] + 7;
        i += words - 1;
    }
    return CJ_OK;
}

static cj_status parse_words(int argc, char **argv, cli_options *o, cj_err *err);

/* The command line without --lang, which cli_lang has read. */
cj_status cli_parse(int argc, char **argv, cli_options *o, cj_err *err)
{
    char **args = malloc(((size_t)argc + 1) * sizeof *args);
    if (!args)
        return cj_fail(err, CJ_ERR_RESOURCE, _("out of memory"));
    int n = 0;
    for (int i = 0; i < argc; i++) {
        int words = i ? lang_words(argc, argv, i) : 0;
        if (words)
            i += words - 1;
        else
            args[n++] = argv[i];
    }
    args[n] = NULL;
    cj_status status = parse_words(n, args, o, err);
    free(args);
    return status;
}

static cj_status parse_words(int argc, char **argv, cli_options *o, cj_err *err)
{
    memset(o, 0, sizeof *o);
    if (argc < 2)
        return cj_fail(err, CJ_ERR_USAGE,
                       _("no command given (try: cjmsim run scenario.lua, or "
                         "cjmsim --help)"));
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0)
        return parse_help(argc, argv, o, err);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        o->command = o->help_topic = CLI_HELP;
        return CJ_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        o->command = CLI_VERSION;
        return CJ_OK;
    }
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "check") == 0) {
        o->command = strcmp(cmd, "run") == 0 ? CLI_RUN : CLI_CHECK;
        return parse_scenario_command(argc, argv, 2, o, err);
    }
    static const struct {
        const char *name;
        cli_command command;
    } ANALYSES[] = {{"sweep", CLI_SWEEP},
                    {"psa", CLI_PSA},
                    {"breakeven", CLI_BREAKEVEN},
                    {"calibrate", CLI_CALIBRATE}};
    for (size_t i = 0; i < sizeof ANALYSES / sizeof ANALYSES[0]; i++)
        if (strcmp(cmd, ANALYSES[i].name) == 0) {
            o->command = ANALYSES[i].command;
            return parse_scenario_command(argc, argv, 2, o, err);
        }
    if (strcmp(cmd, "serve") == 0) {
        o->command = CLI_SERVE;
        return parse_scenario_command(argc, argv, 2, o, err);
    }
    if (strcmp(cmd, "compare") == 0) {
        o->command = CLI_COMPARE;
        return parse_compare(argc, argv, 2, o, err);
    }
    if (strcmp(cmd, "new") == 0) {
        o->command = CLI_NEW;
        return parse_new(argc, argv, 2, o, err);
    }
    if (strcmp(cmd, "fit") == 0) {
        o->command = CLI_FIT;
        return parse_fit(argc, argv, 2, o, err);
    }
    return cj_fail(err, CJ_ERR_USAGE, _("unknown command '%s' (try: cjmsim run scenario.lua)"),
                   cmd);
}
