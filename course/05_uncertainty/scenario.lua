-- Course, lesson 5: uncertainty and the decision.
--
-- A sports-nutrition shop considers a free consultation with an expert after
-- the first delivery. The expert's time costs money; the consultation keeps
-- customers from drifting away, so they reorder longer. Nobody knows exactly
-- how well it works: a small pilot says the daily chance to drift away falls
-- to about 0.7 of what it was, but it could be 0.5 or 0.95. Should the shop
-- launch it, and which doubt could change that answer?
--
--   cjmsim check scenario.lua                      the parameters and their ranges
--   cjmsim run scenario.lua --exact                the answer at the best guesses
--   cjmsim run scenario.lua --exact --set consult_churn=0.95
--
-- Each number the shop is unsure of is a param with its best guess, a range
-- (low .. high) and a distribution (dist). Running the model at each end of
-- one parameter's range, the others at their best guesses, is a one-way
-- sensitivity analysis: if the decision flips inside the range, that
-- parameter is worth measuring before deciding. `cjmsim psa` automates this:
-- it draws every parameter from its distribution at once. The tasks are in
-- student.en.md.

scenario {
  name = "Course 5: uncertainty and the decision",
  question = "Does the expert consultation pay back, and which doubt could change the answer?",
  days = 365,
  customers = 100000,
  seed = 5,
  margin = 0.3,
  currency = "RUB",
}

-- The effect: the consultation multiplies the daily chance to drift away by
-- this factor. A pilot of about 20 customers: beta(14, 6), mean 0.7.
local consult_churn = param "consult_churn" { 0.7, low = 0.5, high = 0.95, dist = beta(14, 6) }
-- The expert's 20 minutes with preparation, per customer consulted.
local consult_cost = param "consult_cost" { 350, low = 250, high = 500, dist = gamma(25, 14) }
-- A customer's daily chance to reorder once the tub runs out (after 25 days).
local reorder = param "reorder" { 0.02, low = 0.012, high = 0.03, dist = uniform(0.012, 0.03) }

stage "awareness" { entry = true, touchpoints = { "ads", "bloggers", "Telegram channel" } }
stage "consideration" { touchpoints = { "catalogue", "reviews" } }
stage "purchase" { purchase = true, value = 3000, emotion = -1, feelings = "Anxious" }
stage "usage" {
  emotion = 1,
  feelings = "Left alone",
  pains = "Nobody explains how to take the product",
  opportunities = "A free consultation with an expert",
}
stage "lost" { terminal = true }
stage "churned" { terminal = true }

transition("awareness", "consideration", 0.04)
transition("awareness", "lost", 0.05)
transition("consideration", "purchase", 0.06)
transition("consideration", "lost", 0.06)
transition("purchase", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("usage", "purchase", function(c)
  if c.days_in_stage < 25 then return 0 end
  return reorder
end)
transition("usage", "churned", function(c) return 0.02 - 0.004 * c.mood end)

intervention "expert_consultation" {
  description = "A free 20-minute call with an expert after delivery",
  at = "usage", mood = 1,
  scale = { ["usage->churned"] = consult_churn },
  cost_per_customer = consult_cost,
}
