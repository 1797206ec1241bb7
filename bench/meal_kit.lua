-- Meal-kit subscription: a journey ruled by time. The benchmark's scenario
-- dominated by functions of c.days_in_stage (`make bench`); the peers
-- bench/peer_numpy.py and bench/peer_lua.lua restate it, number for number.
--
-- Visitors sign up for a 14-day trial less and less as their visit fades;
-- the trial converts mostly on its last day; a subscriber is charged every
-- 30 days (a purchase), is tempted to pause or cancel as the next charge
-- nears, and a paused customer comes back less and less the longer the
-- pause lasts. Nearly every probability changes with the days spent in the
-- stage, many of them on every day of the year, and subscribers stay for
-- months: a day-by-day simulation has a coin to toss on almost every
-- customer-day.
--
--   cjmsim run bench/meal_kit.lua

scenario {
  name = "Meal-kit subscription",
  question = "Does a welcome call or a flexible pause keep more subscribers paying?",
  days = 365, customers = 1000000, seed = 7, margin = 0.25, currency = "EUR",
}

persona "family" { share = 0.50, mood = 0, household = 4 }
persona "single" { share = 0.35, mood = 0, household = 1 }
persona "foodie" { share = 0.15, mood = 1, household = 2 }

stage "visitor"    { entry = true, touchpoints = { "ads", "recipes blog" } }
stage "trial"      { emotion = 1, touchpoints = { "first box", "app" } }
stage "charged"    { purchase = true, emotion = -1,
                     value = { family = 80, single = 35, foodie = 55 } }
stage "subscriber" { emotion = 1, touchpoints = { "weekly boxes", "app" } }
stage "paused"     { emotion = -1 }
stage "gone"       { terminal = true }
stage "cancelled"  { terminal = true }

-- A visit fades: signing up gets less likely every day; forgetting grows.
transition("visitor", "trial", function(c)
  return 0.06 * math.exp(-c.days_in_stage / 25) * (1 + 0.1 * c.mood)
end)
transition("visitor", "gone", function(c)
  return math.min(0.05, 0.004 + 0.0004 * c.days_in_stage)
end)

-- The trial lasts 14 days: a few convert early, most on the last day; the
-- rest are gone on day 15.
transition("trial", "charged", function(c)
  if c.days_in_stage < 14 then return 0.006 + 0.001 * c.days_in_stage end
  if c.days_in_stage == 14 then return 0.45 + 0.05 * c.mood end
  return 0
end)
transition("trial", "gone", function(c)
  if c.days_in_stage > 14 then return 1 end
  return 0.004 + 0.0005 * c.days_in_stage
end)

-- The charge goes through in one to three days.
transition("charged", "subscriber", function(c) return c.days_in_stage >= 3 and 1 or 0.4 end)

-- Charged every 30 days; the urge to pause or cancel grows as the charge
-- nears, and a happier, longer-standing customer resists it.
transition("subscriber", "charged", function(c) return c.days_in_stage >= 30 and 1 or 0 end)
transition("subscriber", "paused", function(c)
  if c.days_in_stage >= 30 then return 0 end
  return (0.001 + 0.00012 * c.days_in_stage) * (1 - 0.15 * c.mood)
end)
transition("subscriber", "cancelled", function(c)
  if c.days_in_stage >= 30 then return 0 end
  local loyalty = 1 - 0.08 * math.min(c.purchases - 1, 4)
  return (0.0005 + 0.00004 * c.days_in_stage ^ 1.5) * loyalty * (1 - 0.1 * c.mood)
end)

-- A pause wears on: coming back gets rarer, cancelling likelier.
transition("paused", "subscriber", function(c)
  return 0.05 * math.exp(-c.days_in_stage / 40) + 0.002 * c.household
end)
transition("paused", "cancelled", function(c) return math.min(0.2, 0.0003 * c.days_in_stage) end)

intervention "welcome_call" {
  description = "A cook calls on day 3 of the trial to help with the first recipes",
  at = "trial", mood = 1, cost_per_customer = 4,
}

intervention "flexible_pause" {
  description = "Skip a month in the app instead of pausing the subscription",
  personas = { "family", "single" },
  scale = { ["subscriber->paused"] = 0.5, ["paused->subscriber"] = 1.3 },
  cost_per_customer = 2,
}
