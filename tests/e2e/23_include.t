#!/usr/bin/env bash
# include "name": personas from the persona library (personas/) or from the
# scenario's own folder, and nothing else: every other path is refused with
# an exact message and exit 3. The included file runs in the sandbox, may
# declare only personas, is included once, and its mistakes name its own
# file and line and where it was included.
source "$(dirname "$0")/lib.sh"

# A persona library of our own, so that the messages that list it are
# known; the real library is used further down.
LIB="$WORK/lib"
mkdir -p "$LIB/personas" "$WORK/s/sub"
printf 'persona "alpha" { mood = 1, speed = 0.2 }\n' >"$LIB/personas/alpha.lua"
printf 'persona "beta" {\n  share = 0.5, speed = 0.1,\n}\n' >"$LIB/personas/beta.lua"
export CJMSIM_DATADIR="$LIB"
cd "$WORK/s" || exit 1

JOURNEY='stage "visit" { entry = true }
stage "buy" { purchase = true, value = 1 }
transition("visit", "buy", function(c) return c.speed end)'

# scenario NAME TEXT: writes NAME.lua (the journey is appended).
scenario() { printf '%s\n%s\n' "$2" "$JOURNEY" >"$1.lua"; }

# --- from the library and from the scenario's folder --------------------------
scenario lib 'include "alpha" { share = 0.25 }
include "personas/beta" { share = 0.75 }'
run_cjmsim check lib.lua
is "$RC" 0 "include from the library: check exits 0"
like "$OUT" '^  alpha           25%  mood \+1   speed = 0\.2$' "alpha comes with its mood and attribute, the scenario's share"
like "$OUT" '^  beta            75%  mood 0    speed = 0\.1$' "personas/beta is read from the library"
like "$OUT" '^  visit -> buy  alpha 0\.2  beta 0\.1$' "functions read the included attributes"
run_cjmsim run lib.lua --customers 2000 --days 5 --out "$WORK/r_lib" --quiet
is "$RC" 0 "a scenario with included personas runs"
is "$(json "$WORK/r_lib/summary.json" 'd["personas"]')" "['alpha', 'beta']" "in the order of the includes"

printf 'persona "local_fan" { share = 1, speed = 0.3 }\n' >fans.lua
scenario local 'include "fans"'
run_cjmsim check local.lua
is "$RC" 0 "include from the scenario's folder exits 0"
like "$OUT" '^  local_fan      100%  mood 0    speed = 0\.3$' "the local file's persona"

printf 'persona "alpha" { share = 1, speed = 0.5 }\n' >alpha.lua
scenario shadow 'include "alpha"'
run_cjmsim check shadow.lua
like "$OUT" '^  visit -> buy  0\.5$' "a file next to the scenario comes before the library"
scenario explicit 'include "personas/alpha" { share = 1 }'
run_cjmsim check explicit.lua
like "$OUT" '^  visit -> buy  0\.2$' "personas/NAME reads the library only"
rm alpha.lua

printf 'persona "p1" { share = 0.5, speed = 0.1 }\npersona "p2" { share = 0.5, speed = 0.2 }\n' >pair.lua
scenario pair_in 'include "pair" { p1 = { share = 0.3 }, p2 = { share = 0.7, speed = 0.4 } }'
run_cjmsim check pair_in.lua
is "$RC" 0 "a file with two personas takes changes by persona name"
like "$OUT" '^  visit -> buy  p1 0\.1  p2 0\.4$' "each persona gets its own changes"
like "$OUT" '^  p1              30%' "p1's share is the scenario's"

printf 'include "fans"\n' >nest.lua
scenario nested 'include "nest"'
run_cjmsim check nested.lua
is "$RC" 0 "an included file may include another"

# The real library, found next to the binary's source tree or installed.
(
    unset CJMSIM_DATADIR
    printf 'include "beginner" { share = 0.5 }\ninclude "coach" { share = 0.5 }\n%s\n' \
        "${JOURNEY//c.speed/c.reorder}" >"$WORK/s/real.lua"
    "$CJMSIM" check "$WORK/s/real.lua"
) >"$WORK/real.out" 2>&1
like "$(cat "$WORK/real.out")" '^  visit -> buy  beginner 0\.01  coach 0\.022$' \
    "the persona library that comes with cjmsim"

# --- refused names -------------------------------------------------------------
READS="include reads only the persona library (include \"personas/NAME\") and the scenario's own folder (include \"NAME\")"
# refuse NAME MESSAGE: include NAME on line 2 of a scenario.
refuse() {
    printf -- '-- refused\ninclude "%s"\n%s\n' "$1" "$JOURNEY" >refused.lua
    run_cjmsim run refused.lua --out "$WORK/r_refused" --quiet
    is "$RC" 3 "include \"$1\": exit 3"
    is "$ERR" "cjmsim: refused.lua:2: include \"$1\": $2" "include \"$1\": message"
}
refuse "../x" "\"..\" is not allowed; $READS"
refuse "sub/../../x" "\"..\" is not allowed; $READS"
refuse "personas/../../etc/passwd" "\"..\" is not allowed; $READS"
refuse ".." "\"..\" is not allowed; $READS"
refuse "/etc/passwd" "an absolute path is not allowed; $READS"
refuse "/personas/alpha" "an absolute path is not allowed; $READS"
refuse "sub/x" "a file in another folder is not allowed; $READS"
refuse "./fans" "a file in another folder is not allowed; $READS"
refuse "personas/sub/alpha" "a file in another folder is not allowed; $READS"
refuse "a b" "a persona name has only letters, digits, '_', '-' and '.'"
refuse 'a;b' "a persona name has only letters, digits, '_', '-' and '.'"
refuse "" "the name is empty: write a persona name, e.g. include \"beginner\""
refuse ".hidden" "not a persona name: write e.g. include \"beginner\""
refuse "alpah" "no alpah.lua next to the scenario (in ./) nor in the persona library ($LIB/personas) (did you mean 'alpha'?); the library has: alpha, beta"
refuse "personas/fans" "no fans.lua in the persona library ($LIB/personas); the library has: alpha, beta"
printf 'persona "x" { share = 1, speed = 0 }\n' >sub/x.lua
refuse "sub/x" "a file in another folder is not allowed; $READS"
ln -sf /etc/passwd evil.lua
refuse "evil" "evil.lua is a link to a file outside its folder; $READS"
ln -sf "$LIB/personas/alpha.lua" borrowed.lua
refuse "borrowed" "borrowed.lua is a link to a file outside its folder; $READS"
mkdir -p folder.lua
refuse "folder" "folder.lua is not a regular file"
absent "$WORK/r_refused" "refused includes write no results"

printf 'include(42)\n%s\n' "$JOURNEY" >number.lua
run_cjmsim run number.lua --quiet
is "$RC" 3 "include(42) exits 3"
is "$ERR" 'cjmsim: number.lua:1: include expects a persona name in quotes: include "beginner"' \
    "include(42): message"

# --- once, and no cycles -------------------------------------------------------
scenario twice 'include "fans"
include "fans"'
run_cjmsim run twice.lua --quiet
is "$RC" 3 "including a file twice exits 3"
is "$ERR" 'cjmsim: twice.lua:2: include "fans": fans.lua is already included (at twice.lua:1); a persona file is included once' \
    "including a file twice: message"

printf 'include "cycle_b"\n' >cycle_a.lua
printf 'include "cycle_a"\n' >cycle_b.lua
scenario cycle 'include "cycle_a"'
run_cjmsim run cycle.lua --quiet
is "$RC" 3 "an include cycle exits 3"
is "$ERR" 'cjmsim: cycle_b.lua:1: include "cycle_a": the files include each other: cycle.lua -> cycle_a.lua -> cycle_b.lua -> cycle_a.lua (included at cycle_a.lua:1)' \
    "an include cycle: message with the chain"
scenario self 'include "self"'
run_cjmsim run self.lua --quiet
is "$ERR" 'cjmsim: self.lua:1: include "self": the files include each other: self.lua -> self.lua' \
    "a scenario that includes itself: message"

# --- the included file: personas only, the sandbox, its own lines --------------
printf 'persona "ok" { share = 1, speed = 0 }\n\nstage "extra" { }\n' >with_stage.lua
scenario stage_in 'include "with_stage"'
run_cjmsim run stage_in.lua --quiet
is "$RC" 3 "an included file that declares a stage exits 3"
is "$ERR" "cjmsim: with_stage.lua:3: 'stage' is not available in a persona file, which declares personas and nothing else (included at stage_in.lua:1)" \
    "an included stage: message names the included file's line"

printf 'persona "ok" { share = 1, speed = 0 }\nhelper = 1\n' >global.lua
scenario global_in 'include "global"'
run_cjmsim run global_in.lua --quiet
is "$ERR" "cjmsim: global.lua:2: cannot create the global 'helper': declare it local (local helper = ...) (included at global_in.lua:1)" \
    "strict globals apply in an included file"

printf '\nlocal f = io.open("/etc/passwd")\n' >reader.lua
scenario reader_in 'include "reader"'
run_cjmsim run reader_in.lua --quiet
is "$ERR" "cjmsim: reader.lua:2: 'io' is not available in a scenario: a scenario cannot read or write files (included at reader_in.lua:1)" \
    "the sandbox applies in an included file"

printf 'persona "ok" {\n  share = 1,\n' >broken.lua
scenario broken_in 'include "broken"'
run_cjmsim run broken_in.lua --quiet
like "$ERR" "^cjmsim: broken\\.lua:3: .* \\(included at broken_in\\.lua:1\\)$" \
    "a syntax error names the included file, its line and the include"

printf 'persona "bad" {\n  share = 1, mood = 9,\n}\n' >badmood.lua
scenario badmood_in 'include "badmood"'
run_cjmsim run badmood_in.lua --quiet
is "$ERR" "cjmsim: badmood.lua:1: persona 'bad': mood = 9 is out of range: it must be from -3 to 3" \
    "a mistake in an included persona names its file and line"

# --- shares are the scenario's ------------------------------------------------
scenario noshare '-- alpha has no share in the library
include "alpha"'
run_cjmsim run noshare.lua --quiet
is "$RC" 3 "a library persona without a share exits 3"
is "$ERR" "cjmsim: noshare.lua:2: persona 'alpha' has no share: give it one where it is included: include \"alpha\" { share = 0.25 }" \
    "the missing share is reported where the persona is included"
scenario bigshare 'include "alpha" { share = 2 }'
run_cjmsim run bigshare.lua --quiet
is "$ERR" "cjmsim: bigshare.lua:1: persona 'alpha': share = 2 is out of range: it must be from 0 to 1" \
    "a share given at the include is reported there"
scenario sum 'include "alpha" { share = 0.3 }
include "beta"'
run_cjmsim run sum.lua --quiet
is "$ERR" "cjmsim: sum.lua:2: persona shares sum to 0.8, they must sum to 1 (alpha 0.3 + beta 0.5)" \
    "shares that do not sum to 1 are reported at the scenario's last include"

scenario dup 'include "beta"
persona "beta" { share = 0.5, speed = 0 }'
run_cjmsim run dup.lua --quiet
is "$ERR" "cjmsim: dup.lua:2: persona 'beta' is declared twice (first at $LIB/personas/beta.lua:1)" \
    "a persona declared in the scenario and in an included file: both places"

scenario notable 'include "alpha" (0.5)'
run_cjmsim run notable.lua --quiet
is "$ERR" 'cjmsim: notable.lua:1: include "alpha" expects a table of changes after the name: include "alpha" { share = 0.5 }' \
    "changes that are not a table: message"
scenario wrongname 'include "pair" { p3 = { share = 1 } }'
run_cjmsim run wrongname.lua --quiet
is "$ERR" 'cjmsim: wrongname.lua:1: include "pair" { ... }: pair.lua declares several personas (p1, p2): give the changes of each by its name, e.g. include "pair" { p1 = { share = 0.5 } }' \
    "changes for a persona the file does not declare: message"
printf -- '-- nothing here\n' >empty.lua
scenario nothing 'include "empty" { share = 1 }'
run_cjmsim run nothing.lua --quiet
is "$ERR" 'cjmsim: nothing.lua:1: include "empty" { ... }: empty.lua declares no persona to change' \
    "changes for a file without personas: message"

# A persona file runs in an environment of its own: it cannot redefine what
# the scenario uses, declare through load under another file's name, or
# change the libraries the scenario sees.
printf 'persona "sly" { share = 0.5, speed = 0 }\ntransition = function() end\n' >redefine.lua
scenario redefine_in 'include "redefine"
persona "plain" { share = 0.5, speed = 0.5 }'
run_cjmsim check redefine_in.lua
is "$RC" 3 "a persona file that redefines transition exits 3"
is "$ERR" "cjmsim: redefine.lua:2: cannot set 'transition' in a persona file, which declares personas and nothing else (included at redefine_in.lua:1)" \
    "redefining transition: message names the persona file"
printf 'persona "sly" { share = 0.5, speed = 0 }\nload([[transition("visit", "buy", 1)]], "@redefine_load_in.lua")()\n' >by_load.lua
scenario by_load_in 'include "by_load"
persona "plain" { share = 0.5, speed = 0.5 }'
run_cjmsim check by_load_in.lua
is "$RC" 3 "a persona file that declares a transition through load exits 3"
is "$ERR" "cjmsim: by_load.lua:2: load:1: 'transition' is not available in a persona file, which declares personas and nothing else (included at by_load_in.lua:1)" \
    "a chunk loaded by a persona file is named after it and has only persona"
printf 'persona "sly" { share = 0.5, speed = 0 }\nstring.upper = nil\nmath.random = nil\nspeed = 9\n' >libs.lua
scenario libs_in 'local ok = pcall(include, "libs")
persona "plain" { share = 0.5, speed = 0.5 }
assert(not ok, "setting a global in a persona file fails")
assert(string.upper("a") == "A" and math.random(1, 1) == 1, "the libraries are unchanged")'
run_cjmsim check libs_in.lua
is "$RC" 0 "a persona file changes copies of the libraries, not the scenario's"
printf 'local share = 0.5\npersona "env_a" { share = share, speed = 0.5, who = string.upper("w") }\nload([[persona "env_b" { share = 0.5, speed = 0.5 }]])()\nassert(_G.persona and not rawget(_G, "transition"))\n' >env_ok.lua
scenario env_ok_in 'include "env_ok"'
run_cjmsim check env_ok.lua 2>/dev/null
run_cjmsim check env_ok_in.lua
is "$RC" 0 "a persona file may use locals, libraries and load to declare personas"
like "$OUT" 'env_b' "a persona declared by code a persona file loads is there"

# Paths are shown as the scenario was given: from another directory too.
cd "$WORK" || exit 1
run_cjmsim run s/twice.lua --quiet
is "$ERR" 'cjmsim: s/twice.lua:2: include "fans": s/fans.lua is already included (at s/twice.lua:1); a persona file is included once' \
    "an include next to a scenario given with a folder"
absent "$WORK/results" "no failed run wrote results"

done_testing
