/* luamsg: Lua's own error messages rewritten in Russian through the
 * catalog (build/locale, next to this test's directory), with file:line,
 * tokens and names kept; unknown text and English left byte for byte. */
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>

#include "i18n.h"
#include "luamsg.h"
#include "testutil.h"
#include "util.h"

/* The catalog of the build tree: build/tests/test_luamsg -> build/locale. */
static int use_build_catalog(void **state)
{
    (void)state;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(len > 0);
    exe[len] = '\0';
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(exe, '/');
        assert_non_null(slash);
        *slash = '\0';
    }
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/locale", exe);
    setenv("CJMSIM_LOCALEDIR", dir, 1);
    cj_err err = {0};
    assert_int_equal(i18n_init("ru", &err), CJ_OK);
    assert_true(i18n_russian());
    return 0;
}

static void check(const char *english, const char *russian)
{
    char buf[CJ_ERR_MSG_MAX];
    snprintf(buf, sizeof buf, "%s", english);
    luamsg_translate(buf, sizeof buf);
    assert_string_equal(buf, russian);
}

static void syntax_errors(void **state)
{
    (void)state;
    check("scenario.lua:3: '}' expected (to close '{' at line 1) near 'stage'",
          "scenario.lua:3: ожидается '}' (чтобы закрыть '{' из строки 1) рядом с 'stage'");
    check("scenario.lua:2: unexpected symbol near '='",
          "scenario.lua:2: неожиданный символ рядом с '='");
    check("s.lua:9: 'end' expected (to close 'function' at line 4) near <eof>",
          "s.lua:9: ожидается 'end' (чтобы закрыть 'function' из строки 4) рядом с <eof>");
    check("s.lua:1: 'end' expected near 'x'", "s.lua:1: ожидается 'end' рядом с 'x'");
    check("s.lua:1: <name> expected near '3'", "s.lua:1: ожидается <name> рядом с '3'");
    check("s.lua:1: '=' or 'in' expected near 'do'",
          "s.lua:1: ожидается '=' или 'in' рядом с 'do'");
    check("s.lua:1: malformed number near '3e'",
          "s.lua:1: неправильно записанное число рядом с '3e'");
    check("s.lua:1: unfinished string near '\"abc'", "s.lua:1: незакрытая строка рядом с '\"abc'");
    /* a token with a quote inside stays whole */
    check("s.lua:1: unfinished string near ''a b'", "s.lua:1: незакрытая строка рядом с ''a b'");
    check("s.lua:2: unfinished long string (starting at line 1) near <eof>",
          "s.lua:2: незакрытая длинная строка (начата в строке 1) рядом с <eof>");
    check("s.lua:2: break outside loop at line 1", "s.lua:2: break вне цикла в строке 1");
}

static void runtime_errors(void **state)
{
    (void)state;
    check("scenario.lua:7: attempt to call a nil value (global 'foo')",
          "scenario.lua:7: попытка вызвать значение nil (глобальная переменная 'foo')");
    check("s.lua:2: attempt to index a nil value (field 'a')",
          "s.lua:2: попытка индексировать значение nil (поле 'a')");
    check("s.lua:2: attempt to perform arithmetic on a nil value (local 'n')",
          "s.lua:2: попытка арифметической операции над значением nil (локальная переменная 'n')");
    check("s.lua:2: attempt to compare number with nil", "s.lua:2: попытка сравнить number с nil");
    check("s.lua:2: attempt to compare two table values",
          "s.lua:2: попытка сравнить два значения table");
    check("s.lua:2: attempt to concatenate a boolean value (upvalue 'ok')",
          "s.lua:2: попытка конкатенации значения boolean (внешняя локальная переменная 'ok')");
    check("s.lua:2: attempt to call a nil value (method 'bad')",
          "s.lua:2: попытка вызвать значение nil (метод 'bad')");
    check("s.lua:2: attempt to perform 'n%0'", "s.lua:2: попытка вычислить 'n%0'");
    check("s.lua:2: table index is nil", "s.lua:2: ключ таблицы равен nil");
}

/* Patterns inside patterns, several messages in one, prefixes cjmsim adds. */
static void several_patterns(void **state)
{
    (void)state;
    check("s.lua:1: bad argument #1 to 'rep' (string expected, got no value)",
          "s.lua:1: неверный аргумент №1 функции 'rep' (ожидалось значение типа string, а "
          "значения нет)");
    check("s.lua:1: bad 'for' limit (number expected, got string)",
          "s.lua:1: неверная граница 'for' (ожидалось значение типа number, а получено string)");
    check("in draw 3 (p = 0.5): include \"x\": x.lua:4: attempt to index a nil value (local 't')",
          "in draw 3 (p = 0.5): include \"x\": x.lua:4: попытка индексировать значение nil "
          "(локальная переменная 't')");
    check("a.lua:1: b.lua:2: unexpected symbol near ')'",
          "a.lua:1: b.lua:2: неожиданный символ рядом с ')'");
}

/* What is not one of Lua's messages is copied byte for byte. */
static void unknown_text_untouched(void **state)
{
    (void)state;
    const char *same[] = {
        "s.lua:3: undefined global 'foo' (a typo?)",
        "s.lua:3: something we do not know near 'x'", /* a tail needs a message before it */
        "s.lua:3: syntax errors are the student's own words",
        "s.lua:3: the number expected here is 3",
        "s.lua:3: доли персон в сумме дают 0.9, а должны давать 1",
        "s.lua:3: the attempt to call a nil value failed", /* not where a message starts */
        "",
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        check(same[i], same[i]);
    check("s.lua:3: stack overflow (in the probability of a->b)",
          "s.lua:3: переполнение стека (in the probability of a->b)");
}

/* The rewriting reads the catalog: in English every message stays as it is. */
static void english_is_unchanged(void **state)
{
    (void)state;
    cj_err err = {0};
    assert_int_equal(i18n_init("en", &err), CJ_OK);
    const char *msgs[] = {
        "scenario.lua:3: '}' expected (to close '{' at line 1) near 'stage'",
        "scenario.lua:7: attempt to call a nil value (global 'foo')",
        "s.lua:1: bad argument #1 to 'rep' (string expected, got no value)",
        "s.lua:2: attempt to perform 'n%0'",
    };
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        check(msgs[i], msgs[i]);
    assert_int_equal(i18n_init("ru", &err), CJ_OK);
}

/* The messages of the Lua cjmsim is linked with, as it writes them today. */
static void messages_of_this_lua(void **state)
{
    (void)state;
    static const struct {
        const char *code, *russian;
    } cases[] = {
        {"x = { a = 1\nstage 'b'", "scenario.lua:2: ожидается '}' (чтобы закрыть '{' из строки 1) "
                                   "рядом с 'stage'"},
        {"x = = 1", "scenario.lua:1: неожиданный символ рядом с '='"},
        {"if x then\n", "scenario.lua:2: ожидается 'end' (чтобы закрыть 'if' из строки 1) рядом с "
                        "<eof>"},
        {"x = 3e", "scenario.lua:1: неправильно записанное число рядом с '3e'"},
        {"x = \"abc\n", "scenario.lua:1: незакрытая строка рядом с '\"abc'"},
        {"foo()", "scenario.lua:1: попытка вызвать значение nil (глобальная переменная 'foo')"},
        {"local t; t.x = 1", "scenario.lua:1: попытка индексировать значение nil (локальная "
                             "переменная 't')"},
        {"local a; return a + 1", "scenario.lua:1: попытка арифметической операции над "
                                  "значением nil (локальная переменная 'a')"},
        {"return 1 < nil", "scenario.lua:1: попытка сравнить number с nil"},
        {"return ('x'):rep()", "scenario.lua:1: неверный аргумент №1 функции 'rep' (ожидалось "
                               "значение типа number, а значения нет)"},
        /* the libraries' own checks */
        {"return table.concat({{}})", "scenario.lua:1: недопустимое значение (table) под индексом "
                                      "1 в таблице для 'concat'"},
        {"table.insert({}, 1, 2, 3)", "scenario.lua:1: неверное число аргументов 'insert'"},
        {"table.insert({}, 5, 2)", "scenario.lua:1: неверный аргумент №2 функции 'insert' "
                                   "(позиция за пределами таблицы)"},
        {"return math.random(2, 1)", "scenario.lua:1: неверный аргумент №1 функции 'random' "
                                     "(пустой интервал)"},
        {"return string.char(300)", "scenario.lua:1: неверный аргумент №1 функции 'char' "
                                    "(значение вне допустимого диапазона)"},
        {"return select(0)", "scenario.lua:1: неверный аргумент №1 функции 'select' (индекс вне "
                             "допустимого диапазона)"},
        {"return table.unpack({}, 1, 1e8)",
         "scenario.lua:1: слишком много значений для распаковки"},
        {"return string.format('%y', 1)",
         "scenario.lua:1: недопустимое преобразование '%y' для 'format'"},
        {"return string.rep('x', 1 << 62)", "scenario.lua:1: получается слишком длинная строка"},
        {"return ('x'):find('[a')", "scenario.lua:1: неправильный шаблон (не хватает ']')"},
        {"return ('x'):find('%')", "scenario.lua:1: неправильный шаблон (заканчивается на '%')"},
        {"return ('x'):find('%f')", "scenario.lua:1: в шаблоне не хватает '[' после '%f'"},
        {"return ('x'):gsub('x', '%2')", "scenario.lua:1: недопустимый номер захвата %2"},
        {"return ('x'):match('x)')", "scenario.lua:1: недопустимый захват в шаблоне"},
        {"return ('x'):find('(x')", "scenario.lua:1: незакрытый захват"},
        {"return ('x'):gsub('x', '%z')",
         "scenario.lua:1: недопустимое использование '%' в строке замены"},
        {"return ('x'):gsub('x', {x = {}})",
         "scenario.lua:1: недопустимое значение для замены (table)"},
        {"local t = setmetatable({}, {}); getmetatable(t).__index = t; return t.x",
         "scenario.lua:1: слишком длинная цепочка '__index'; возможно, зацикливание"},
        {"local t = setmetatable({}, {}); getmetatable(t).__newindex = t; t.x = 1",
         "scenario.lua:1: слишком длинная цепочка '__newindex'; возможно, зацикливание"},
    };
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int status = luaL_loadbuffer(L, cases[i].code, strlen(cases[i].code), "=scenario.lua");
        if (status == LUA_OK)
            status = lua_pcall(L, 0, 0, 0);
        assert_int_not_equal(status, LUA_OK);
        check(lua_tostring(L, -1), cases[i].russian);
        lua_pop(L, 1);
    }
    lua_close(L);
}

/* A message cut to its buffer ends on a whole character. */
static void cut_on_a_character(void **state)
{
    (void)state;
    const char *full = "s.lua:2: неожиданный символ рядом с '='";
    for (size_t size = 1; size <= strlen(full) + 1; size++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", "s.lua:2: unexpected symbol near '='");
        luamsg_translate(buf, size);
        assert_true(strlen(buf) < size);
        assert_memory_equal(buf, full, strlen(buf));
        assert_true(utf8_valid(buf));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(syntax_errors),        cmocka_unit_test(runtime_errors),
        cmocka_unit_test(several_patterns),     cmocka_unit_test(unknown_text_untouched),
        cmocka_unit_test(english_is_unchanged), cmocka_unit_test(messages_of_this_lua),
        cmocka_unit_test(cut_on_a_character),
    };
    return cmocka_run_group_tests(tests, use_build_catalog, NULL);
}
