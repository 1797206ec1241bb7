#!/usr/bin/env bash
# The same scenario file, seed and options give the same bytes in every
# process. Lua seeds its string hashes per process, so the order in which
# Lua's own pairs visits a table changes from run to run; the sandbox's
# pairs and next visit keys in a defined order (numbers, then strings byte
# by byte, then false and true), and tostring gives no addresses.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
RUNS=20

# The journey, its personas and its transitions all declared in pairs loops,
# and the scenario's name made with tostring and string.format.
cat >pairs_driven.lua <<'LUA'
local stages = {
  awareness = { entry = true }, site = {}, reviews = {}, cart = {}, checkout = {},
  purchase = { purchase = true, value = 40 }, usage = {}, support = {}, churned = { terminal = true },
}
local personas = { beginner = 0.25, athlete = 0.25, coach = 0.125, parent = 0.125, senior = 0.25 }
scenario { name = "pairs " .. tostring({}) .. string.format(" %s", print), customers = 3000, days = 40 }
for name, share in pairs(personas) do persona(name) { share = share } end
for name, body in pairs(stages) do stage(name)(body) end
-- Each stage leads to the next in the order pairs visits them.
local order = {}
for name in pairs(stages) do order[#order + 1] = name end
for i = 1, #order - 1 do
  if not stages[order[i]].terminal then
    transition(order[i], order[i + 1], 0.05 + 0.01 * i)
  end
end
if not stages[order[#order]].terminal then transition(order[#order], "awareness", 0.02) end
LUA

# Separate processes, so that each gets its own string hash seed.
for ((i = 1; i <= RUNS; i++)); do
    "$CJMSIM" run pairs_driven.lua --out "$WORK/out-$i" --quiet 2>"$WORK/err-$i"
    echo $? >>"$WORK/rcs"
    sha256sum <"$WORK/out-$i/summary.json" | cut -c1-64 >>"$WORK/sums"
done
is "$(sort -u "$WORK/rcs")" "0" "$RUNS runs of a pairs-driven scenario all succeed"
is "$(sort -u "$WORK/sums" | wc -l)" "1" "$RUNS processes write the same summary.json bytes"
is "$(json "$WORK/out-1/summary.json" 'd["scenario"]')" "pairs table: 1 function: 2" \
    "tostring and string.format number objects instead of printing addresses"

# The premise: Lua's own pairs visits the same table in another order in
# another process (checked with the stand-alone interpreter, when installed).
if command -v lua5.4 >/dev/null; then
    for ((i = 1; i <= RUNS; i++)); do
        lua5.4 -e 'local t = {} for _, k in ipairs({"awareness", "site", "reviews", "cart",
            "checkout", "purchase", "usage", "support", "churned"}) do t[k] = true end
            local o = {} for k in pairs(t) do o[#o + 1] = k end print(table.concat(o, " "))'
    done | sort -u | wc -l >"$WORK/raw_orders"
    ok "$([ "$(cat "$WORK/raw_orders")" -gt 1 ] && echo 0 || echo 1)" \
        "Lua's own pairs order changes from process to process ($(cat "$WORK/raw_orders") orders in $RUNS runs)"
else
    skip 1 "lua5.4 is not installed"
fi

# The order itself, as documented.
cat >order.lua <<'LUA'
local t = { 10, 20, 30, b = 1, a = 2, ["B"] = 3, [2.5] = 4, [-1] = 5, [true] = 6, [false] = 7,
            ["a\0"] = 8, [0] = 9, [-1.5] = 10, [2^60] = 11, [1e300] = 12 }
local keys = {}
for k in pairs(t) do keys[#keys + 1] = tostring(k):gsub("%z", "\\0") end
print(table.concat(keys, " "))
-- next on its own, from the start and from the middle
print(next(t), next(t, 3), next(t, "b"), next(t, true))
-- clearing every key while traversing visits them all
local n = 0
for k in pairs(t) do t[k] = nil; n = n + 1 end
print(n, next(t))
stage "visit" { entry = true }
LUA
run_cjmsim check order.lua
is "$RC" 0 "a scenario that traverses tables loads"
is "$(sed -n 1p <<<"$ERR")" '-1.5 -1 0 1 2 2.5 3 1152921504606846976 1e+300 B a a\0 b false true' \
    "pairs visits numbers in numeric order, then strings byte by byte, then false and true"
is "$(sed -n 2p <<<"$ERR")" "$(printf -- '-1.5\t1152921504606846976\tfalse\tnil')" \
    "next starts at the first key and goes on from any key"
is "$(sed -n 3p <<<"$ERR")" "$(printf '15\tnil')" "keys cleared during a traversal do not stop it"

# A traversal stopped early leaves nothing behind: keys added afterwards are
# seen by the next one, and next(t) alone finds the least key.
cat >restart.lua <<'LUA'
local t = { k1 = 1, k2 = 2, k3 = 3 }
assert(next({}) == nil and next(t) == "k1")
for k in pairs(t) do if k == "k2" then break end end
t.a, t.z = 0, 9
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
print(table.concat(keys, " "))
stage "visit" { entry = true }
LUA
run_cjmsim check restart.lua
is "$ERR" "a k1 k2 k3 z" "a new traversal sees keys added after one stopped early"

printf 'stage "visit" { entry = true }\nlocal t = { [{}] = 1, [{}] = 2 }\nfor k in pairs(t) do end\n' >table_keys.lua
run_cjmsim check table_keys.lua
is "$RC" 3 "traversing a table with tables as keys exits 3"
is "$ERR" "cjmsim: table_keys.lua:3: pairs/next: a table with a table as a key has no defined order; a scenario traverses tables whose keys are numbers, strings or booleans" \
    "traversing a table with tables as keys: message"

printf 'stage "visit" { entry = true }\nprint(string.format("%%p", {}))\n' >address.lua
run_cjmsim check address.lua
is "$RC" 3 "string.format %p exits 3"
is "$ERR" "cjmsim: address.lua:2: string.format: %p is not available in a scenario: addresses change from run to run" \
    "string.format %p: message"

# tostring numbers objects in the order it first meets them; the same
# object keeps its number; __tostring and __name still work.
cat >tostring.lua <<'LUA'
local a, b = {}, function() end
print(tostring(a), tostring(b), tostring(a), tostring(setmetatable({}, { __tostring = function() return "mine" end })))
print(tostring(setmetatable({}, { __name = "Shop" })), ("%s|%5.3s"):format(a, b))
stage "visit" { entry = true }
LUA
run_cjmsim check tostring.lua
is "$(sed -n 1p <<<"$ERR")" "$(printf 'table: 1\tfunction: 2\ttable: 1\tmine')" "tostring numbers tables and functions"
is "$(sed -n 2p <<<"$ERR")" "$(printf 'Shop: 3\ttable: 1|  fun')" "__name and string.format's %s use the same numbers"

done_testing
