-- Stages, personas and transitions declared in pairs loops (order must not depend on Lua's hash).
local stages = { a = { entry = true }, b = {}, c = { purchase = true, value = 5 }, d = { terminal = true } }
local personas = { x = 0.5, y = 0.25, z = 0.25 }
for name, share in pairs(personas) do persona(name) { share = share } end
for name, body in pairs(stages) do stage(name)(body) end
local prev
for name in pairs(stages) do
  if prev and not stages[prev].terminal then transition(prev, name, 0.1) end
  prev = name
end
scenario { name = tostring({}) .. string.format("%s", print) .. tostring(next({ 1, k = 2, [true] = 3 })) }
