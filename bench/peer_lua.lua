-- peer_lua — the benchmark's plain Lua peer: the simulation written directly
-- in Lua 5.4, on the same models as cjmsim (scripts/sport_nutrition.lua and
-- bench/meal_kit.lua, restated number for number), following DESIGN.md's
-- daily rule: every customer, every day, one math.random() against the
-- cumulative probabilities of the stage's transitions, which are the
-- scenario's own Lua functions of the customer `c`.
--
--   lua5.4 bench/peer_lua.lua sport_nutrition 100000 365 1
--
-- Prints one JSON object: buyers and repeat buyers per variant and the
-- seconds taken (os.clock, CPU time of this one thread).

local exp, min = math.exp, math.min

local function per_persona(t)
  return function(c) return t[c.persona] end
end

local function constant(p)
  return function() return p end
end

local MODELS = {}

function MODELS.sport_nutrition()
  return {
    personas = {
      { name = "beginner", share = 0.50, mood = 0, reorder = 0.010 },
      { name = "athlete", share = 0.35, mood = 1, reorder = 0.025 },
      { name = "coach", share = 0.15, mood = 1, reorder = 0.022, team_size = 12 },
    },
    stages = {
      { name = "awareness" },
      { name = "consideration" },
      { name = "purchase", purchase = true, emotion = -1 },
      { name = "usage", emotion = 1 },
      { name = "lost", terminal = true },
      { name = "churned", terminal = true },
    },
    edges = {
      { "awareness", "consideration",
        per_persona { beginner = 0.030, athlete = 0.040, coach = 0.050 } },
      { "awareness", "lost", constant(0.05) },
      { "consideration", "purchase",
        per_persona { beginner = 0.05, athlete = 0.08, coach = 0.07 } },
      { "consideration", "lost", constant(0.06) },
      { "purchase", "usage", function(c)
          if c.days_in_stage < 2 then return 0 end
          if c.days_in_stage < 4 then return 0.5 end
          return 1
        end },
      { "usage", "purchase", function(c)
          if c.days_in_stage < 25 then return 0.002 end
          local habit = 1 + 0.1 * min(c.purchases - 1, 3)
          return c.reorder * habit * (1 + 0.3 * c.mood)
        end },
      { "usage", "churned", function(c) return 0.020 - 0.004 * c.mood end },
    },
    interventions = {
      { name = "order_notifications", at = "purchase", mood = 1 },
      { name = "expert_consultation", personas = { beginner = true, coach = true },
        at = "usage", mood = 1, scale = { ["usage->churned"] = 0.7 } },
    },
  }
end

function MODELS.meal_kit()
  return {
    personas = {
      { name = "family", share = 0.50, mood = 0, household = 4 },
      { name = "single", share = 0.35, mood = 0, household = 1 },
      { name = "foodie", share = 0.15, mood = 1, household = 2 },
    },
    stages = {
      { name = "visitor" },
      { name = "trial", emotion = 1 },
      { name = "charged", purchase = true, emotion = -1 },
      { name = "subscriber", emotion = 1 },
      { name = "paused", emotion = -1 },
      { name = "gone", terminal = true },
      { name = "cancelled", terminal = true },
    },
    edges = {
      { "visitor", "trial", function(c)
          return 0.06 * exp(-c.days_in_stage / 25) * (1 + 0.1 * c.mood)
        end },
      { "visitor", "gone", function(c) return min(0.05, 0.004 + 0.0004 * c.days_in_stage) end },
      { "trial", "charged", function(c)
          if c.days_in_stage < 14 then return 0.006 + 0.001 * c.days_in_stage end
          if c.days_in_stage == 14 then return 0.45 + 0.05 * c.mood end
          return 0
        end },
      { "trial", "gone", function(c)
          if c.days_in_stage > 14 then return 1 end
          return 0.004 + 0.0005 * c.days_in_stage
        end },
      { "charged", "subscriber", function(c) return c.days_in_stage >= 3 and 1 or 0.4 end },
      { "subscriber", "charged", function(c) return c.days_in_stage >= 30 and 1 or 0 end },
      { "subscriber", "paused", function(c)
          if c.days_in_stage >= 30 then return 0 end
          return (0.001 + 0.00012 * c.days_in_stage) * (1 - 0.15 * c.mood)
        end },
      { "subscriber", "cancelled", function(c)
          if c.days_in_stage >= 30 then return 0 end
          local loyalty = 1 - 0.08 * min(c.purchases - 1, 4)
          return (0.0005 + 0.00004 * c.days_in_stage ^ 1.5) * loyalty * (1 - 0.1 * c.mood)
        end },
      { "paused", "subscriber", function(c)
          return 0.05 * exp(-c.days_in_stage / 40) + 0.002 * c.household
        end },
      { "paused", "cancelled", function(c) return min(0.2, 0.0003 * c.days_in_stage) end },
    },
    interventions = {
      { name = "welcome_call", at = "trial", mood = 1 },
      { name = "flexible_pause", personas = { family = true, single = true },
        scale = { ["subscriber->paused"] = 0.5, ["paused->subscriber"] = 1.3 } },
    },
  }
end

-- Largest remainder, ties to the persona declared first, as cjmsim.
local function allocate(personas, customers)
  local counts, order, given = {}, {}, 0
  for i, p in ipairs(personas) do
    local exact = customers * p.share
    counts[i] = math.floor(exact)
    order[i] = { i = i, rest = exact - counts[i] }
    given = given + counts[i]
  end
  table.sort(order, function(a, b)
    if a.rest ~= b.rest then return a.rest > b.rest end
    return a.i < b.i
  end)
  for k = 1, customers - given do
    local i = order[k].i
    counts[i] = counts[i] + 1
  end
  return counts
end

local function simulate(model, active, customers, days, seed)
  local index = {}
  for i, s in ipairs(model.stages) do index[s.name] = i end
  -- Per stage its outgoing edges; per persona the mood change on entering
  -- each stage and each edge's factor, for the variant's interventions.
  local out = {}
  for i = 1, #model.stages do out[i] = {} end
  for _, e in ipairs(model.edges) do
    local list = out[index[e[1]]]
    list[#list + 1] = { to = index[e[2]], p = e[3], name = e[1] .. "->" .. e[2] }
  end
  local delta, factor = {}, {}
  for pi, p in ipairs(model.personas) do
    delta[pi], factor[pi] = {}, {}
    for si, s in ipairs(model.stages) do delta[pi][si] = s.emotion or 0 end
    for _, iv in ipairs(model.interventions) do
      if active[iv.name] and (not iv.personas or iv.personas[p.name]) then
        if iv.at then delta[pi][index[iv.at]] = delta[pi][index[iv.at]] + iv.mood end
        for name, f in pairs(iv.scale or {}) do factor[pi][name] = (factor[pi][name] or 1) * f end
      end
    end
  end

  math.randomseed(seed)
  local random = math.random
  local counts = allocate(model.personas, customers)
  local buyers, repeat_buyers = 0, 0
  for pi, persona in ipairs(model.personas) do
    local c = setmetatable({}, { __index = persona })  -- c.reorder, c.household ...
    c.persona = persona.name
    local scale = {}
    for si = 1, #model.stages do
      scale[si] = {}
      for k, e in ipairs(out[si]) do scale[si][k] = factor[pi][e.name] or 1 end
    end
    for _ = 1, counts[pi] do
      local stage, purchases = 1, 0
      local mood = math.max(-3, math.min(3, persona.mood + delta[pi][1]))
      c.days_in_stage = 0
      for _ = 1, days do
        local edges = out[stage]
        if #edges == 0 then break end
        c.days_in_stage = c.days_in_stage + 1
        c.mood, c.purchases = mood, purchases < 5 and purchases or 5
        local x, cum = random(), 0
        for k = 1, #edges do
          cum = cum + edges[k].p(c) * scale[stage][k]
          if x < cum then
            stage = edges[k].to
            c.days_in_stage = 0
            mood = math.max(-3, math.min(3, mood + delta[pi][stage]))
            if model.stages[stage].purchase then purchases = purchases + 1 end
            break
          end
        end
      end
      if purchases >= 1 then buyers = buyers + 1 end
      if purchases >= 2 then repeat_buyers = repeat_buyers + 1 end
    end
  end
  return buyers, repeat_buyers
end

local name, customers, days, seed = arg[1], tonumber(arg[2] or 100000), tonumber(arg[3] or 365),
  tonumber(arg[4] or 1)
local make = MODELS[name]
if not make then
  io.stderr:write("usage: lua5.4 bench/peer_lua.lua sport_nutrition|meal_kit "
    .. "[customers [days [seed]]]\n")
  os.exit(2)
end
local model = make()
local variants = { { name = "baseline", active = {} } }
local all, names = {}, {}
for _, iv in ipairs(model.interventions) do
  variants[#variants + 1] = { name = iv.name, active = { [iv.name] = true } }
  all[iv.name] = true
  names[#names + 1] = iv.name
end
variants[#variants + 1] = { name = table.concat(names, "+"), active = all }

local start = os.clock()
local results = {}
for _, v in ipairs(variants) do
  local b, r = simulate(model, v.active, customers, days, seed)
  results[#results + 1] = string.format('{"name": "%s", "buyers": %d, "repeat_buyers": %d}',
    v.name, b, r)
end
print(string.format('{"peer": "lua", "lua": "%s", "model": "%s", "customers": %d, "days": %d, ' ..
  '"seconds": %.3f, "variants": [%s]}', _VERSION, name, customers, days, os.clock() - start,
  table.concat(results, ", ")))
