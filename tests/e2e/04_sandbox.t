#!/usr/bin/env bash
# The scenario sandbox: a scenario cannot reach files, processes or code
# loaders, cannot load binary chunks, and cannot run forever or take all
# memory. Each refusal is a scenario error (exit 3) naming the file.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
HEAD='stage "visit" { entry = true }'

# denied NAME LUA-LINE MESSAGE: line 2 of the scenario uses a denied name.
denied() {
    local f="denied_$1.lua"
    printf '%s\n%s\n' "$HEAD" "$2" >"$f"
    run_cjmsim run "$f" --out "$WORK/out-denied"
    is "$RC" 3 "$1 is denied: exit 3"
    is "$ERR" "cjmsim: $f:2: $3" "$1 is denied: message"
}
denied os 'os.execute("touch pwned")' "'os.execute' is not available in a scenario: only os.clock is"
echo precious >precious.txt
denied os_remove 'os.remove("precious.txt")' "'os.remove' is not available in a scenario: only os.clock is"
denied io 'io.open("/etc/passwd")' "'io' is not available in a scenario: a scenario cannot read or write files"
denied require 'require("os")' "'require' is not available in a scenario: a scenario cannot load modules"
denied package 'package.loadlib("libc.so.6", "system")' "'package' is not available in a scenario: a scenario cannot load modules"
denied dofile 'dofile("/etc/passwd")' "'dofile' is not available in a scenario: a scenario cannot read other files"
denied loadfile 'loadfile("/etc/passwd")' "'loadfile' is not available in a scenario: a scenario cannot read other files"
denied debug 'debug.sethook()' "'debug' is not available in a scenario: the debug library could break out of the sandbox"
denied collectgarbage 'collectgarbage()' "'collectgarbage' is not available in a scenario: cjmsim manages the scenario's memory"
denied coroutine 'coroutine.wrap(print)' "'coroutine' is not available in a scenario: probabilities are plain functions of the customer"
denied string.dump 'string.dump(print)' "'string.dump' is not available in a scenario: binary chunks are refused"
denied method_dump 'local d = ("x"):dump()' "'string.dump' is not available in a scenario: binary chunks are refused"
denied randomseed 'math.randomseed(7)' "math.randomseed is not available: math.random follows the run's --seed"
denied undefined_read 'local x = shares + 1' "undefined global 'shares' (a typo, or a local declared further down?)"
denied new_global 'helper = 1' "cannot create the global 'helper': declare it local (local helper = ...)"
denied new_global_function 'function helper() end' "cannot create the global 'helper': declare it local (local helper = ...)"
denied unprotect 'setmetatable(_G, nil)' "cannot change a protected metatable"
denied finalizer 'setmetatable({}, { __gc = function() while true do end end })' "__gc metamethods are not available in a scenario"
denied binary_load 'assert(load(string.char(27) .. "Lua"))' "attempt to load a binary chunk (mode is 't')"
absent "$WORK/pwned" "os.execute ran nothing"
is "$(cat "$WORK/precious.txt")" "precious" "os.remove removed nothing"
absent "$WORK/out-denied" "denied names write no results"

# The libraries a scenario needs are there.
cat >allowed.lua <<'LUA'
local parts = {}
for word in string.gmatch("a b c", "%a") do table.insert(parts, word:upper()) end
assert(table.concat(parts) == "ABC" and math.floor(2.5) == 2 and utf8.char(72) == "H")
scenario { name = "Allowed " .. #parts }
stage "visit" { entry = true }
print("checked", #parts)
LUA
run_cjmsim run allowed.lua --customers 10 --days 2 --out "$WORK/out-allowed"
is "$RC" 0 "string, table, math and utf8 are available"
is "$ERR" "$(printf 'checked\t3')" "print writes to stderr"
is "$(head -n 1 <<<"$OUT")" "Allowed 3" "stdout starts with the summary"
is "$(grep -c checked <<<"$OUT")" "0" "print does not write to stdout"

# load takes text; math.random draws from cjmsim's generator, seeded by --seed.
cat >random.lua <<'LUA'
assert(load("return 6 * 7")() == 42)
local ok, message = xpcall(function() error("boom", 0) end, function(m) return "handled " .. m end)
assert(not ok and message == "handled boom")
assert(select("#", xpcall(function(a, b) return a, b end, print, 1, 2)) == 3)
local f = load("return x", "chunk", "t", { x = 5 })
assert(f() == 5)
local draws = {}
for i = 1, 5 do draws[#draws + 1] = math.random(1, 1000000) end
print(table.concat(draws, " "), math.random())
stage "visit" { entry = true }
LUA
run_cjmsim run random.lua --customers 10 --days 2 --seed 11 --out "$WORK/out-r1"
is "$RC" 0 "load runs text chunks with an environment; xpcall calls its handler"
first=$ERR
run_cjmsim run random.lua --customers 10 --days 2 --seed 11 --out "$WORK/out-r2"
is "$ERR" "$first" "math.random gives the same numbers for the same --seed"
run_cjmsim run random.lua --customers 10 --days 2 --seed 12 --out "$WORK/out-r3"
ok "$([ "$ERR" != "$first" ] && echo 0 || echo 1)" "math.random gives other numbers for another --seed"

# Hostile scenarios end quickly with a clear error: pcall cannot swallow the
# instruction limit, recursion and huge strings hit Lua's own bounds, and a
# string pattern stuck inside C meets the wall-clock limit.
hostile() { # hostile NAME EXPECTED-MESSAGE-REGEX OPTIONS... <<< LUA-LINES
    printf '%s\n' "$HEAD" >"hostile_$1.lua"
    cat >>"hostile_$1.lua"
    local name=$1 pattern=$2
    shift 2
    local start=$SECONDS
    run_cjmsim run "hostile_$name.lua" --out "$WORK/out-hostile" "$@"
    is "$RC" 3 "$name: exit 3"
    like "$ERR" "$pattern" "$name: the message says what happened"
    ok "$([ $((SECONDS - start)) -le 5 ] && echo 0 || echo 1)" "$name: ends within seconds"
}
hostile pcall_loop '^cjmsim: hostile_pcall_loop\.lua:2: the scenario ran more than 1000000 Lua instructions \(an endless loop\?\); raise the limit with --lua-instructions N$' \
    --lua-instructions 1000000 <<'LUA'
while true do pcall(function() while true do end end) end
LUA
hostile xpcall_handler '^cjmsim: hostile_xpcall_handler\.lua:[0-9]+: the scenario ran more than 1000000 Lua instructions' \
    --lua-instructions 1000000 <<'LUA'
local function spin() while true do end end
for i = 1, 1e9 do xpcall(spin, spin) end
LUA
hostile recursion '^cjmsim: hostile_recursion\.lua:2: stack overflow' <<'LUA'
local function f(n) return 1 + f(n + 1) end
f(1)
LUA
hostile huge_string '^cjmsim: hostile_huge_string\.lua:2: resulting string too large$' <<'LUA'
local s = string.rep("x", 1 << 40)
LUA
hostile memory_table '^cjmsim: hostile_memory_table\.lua: the scenario needs more than 16 MB of memory; raise the limit with --lua-memory MB$' \
    --lua-memory 16 <<'LUA'
local t = {} while true do t[#t + 1] = { 1, 2, 3 } end
LUA
hostile pattern '^cjmsim: hostile_pattern\.lua: loading the scenario took more than 1 second \(a runaway string pattern or loop\?\); raise the limit with --lua-seconds N$' \
    --lua-seconds 1 <<'LUA'
string.find(string.rep("a", 30000), ".-.-.-.-.-.-.-.-.-b")
LUA
absent "$WORK/out-hostile" "hostile scenarios write no results"

# A binary chunk is refused, and the message names the file.
printf '\033Lua\124\000\031\223\r\n\032\n' >binary.lua
run_cjmsim run binary.lua --out "$WORK/out-binary"
is "$RC" 3 "a binary chunk: exit 3"
like "$ERR" "^cjmsim: binary\\.lua: .*binary" "a binary chunk: the message names the file"
absent "$WORK/out-binary" "a binary chunk writes no results"

# Endless loops and runaway memory are stopped by the sandbox. The runs go
# in parallel under a watchdog so that a missing limit costs the watchdog's
# time once. Memory is also capped by ulimit so that a missing limit cannot
# exhaust the machine; AddressSanitizer builds cannot run under that cap, so
# they skip the memory test.
LIMIT=5
ln -s "$SCENARIOS/bad" "$WORK/bad"
names="infinite_loop function_infinite_loop"
asan=false
# AddressSanitizer runs the instructions about 2.5 times slower: the
# instruction limit still stops the loops, later, and before the 10 s
# watchdog (whose message would name no line).
if ldd "$CJMSIM" 2>/dev/null | grep -q libasan; then asan=true; LIMIT=9; else names="$names memory_bomb"; fi
for name in $names; do
    (
        [ "$name" = memory_bomb ] && ulimit -v 2000000
        timeout -s KILL "$LIMIT" "$CJMSIM" run "bad/$name.lua" --days 30 --out "$WORK/out-$name" \
            >"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
        echo $? >"$WORK/$name.rc"
    ) 2>/dev/null &
done
wait
for name in infinite_loop function_infinite_loop; do
    is "$(cat "$WORK/$name.rc")" 3 "$name: stopped within ${LIMIT}s with exit 3"
done
like "$(cat "$WORK/infinite_loop.stderr")" "^cjmsim: bad/infinite_loop\\.lua:3: " \
    "infinite_loop: the message names file:line"
like "$(cat "$WORK/function_infinite_loop.stderr")" "^cjmsim: bad/function_infinite_loop\\.lua:5: " \
    "function_infinite_loop: the message names file:line"
if $asan; then
    skip 2 "memory_bomb cannot run under ulimit -v with AddressSanitizer"
else
    is "$(cat "$WORK/memory_bomb.rc")" 3 "memory_bomb: stopped by the sandbox's memory bound with exit 3"
    like "$(cat "$WORK/memory_bomb.stderr")" "^cjmsim: bad/memory_bomb\\.lua(:4)?: .*memory" \
        "memory_bomb: the message names the file and says memory"
fi
for name in infinite_loop function_infinite_loop memory_bomb; do
    absent "$WORK/out-$name" "$name writes no results"
done
no_leftovers "$WORK" "no temporary directories are left behind"

done_testing
