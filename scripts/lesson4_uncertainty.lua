-- Lesson 4: uncertain assumptions, and what to decide anyway.
--
-- The question this scenario answers: an expert consultation after the first
-- order should bring customers back, but nobody knows by how much, and the
-- expert's time costs money. How likely is the consultation to pay back, at
-- what cost does it stop paying, and which of our guesses matters most?
--
--   cjmsim run scripts/lesson4_uncertainty.lua
--   cjmsim psa scripts/lesson4_uncertainty.lua --draws 1000
--   cjmsim breakeven scripts/lesson4_uncertainty.lua --param consult_cost --variant consultation
--   cjmsim sweep scripts/lesson4_uncertainty.lua --vary consult_effect=1:1.8:0.1
--
-- What to learn:
--   * `param` declares a number we are not sure of: its best guess (used by
--     `run`), a range low..high worth exploring, and a distribution saying
--     how the guess may be off. It returns the number, so it can stand
--     wherever a number can;
--   * `run` answers with the best guesses; its 95% interval is only the
--     simulation's noise (it shrinks with more customers, our doubts do not);
--   * `psa` draws every uncertain parameter many times and simulates each
--     draw: "the consultation is the most profitable choice in 85% of
--     plausible worlds" is an answer that includes our doubts;
--   * `breakeven` finds the cost at which the consultation stops paying;
--     `sweep` shows the uplift and the profit along a parameter; the
--     tornado (written by psa) shows which guess moves the answer most.
--
-- The numbers: 30% of the visitors order (0.06 / 0.20). After delivery, a
-- customer reorders with 0.010 a day and drifts away with 0.020: a third
-- reorder. The consultation multiplies the chance to reorder by
-- consult_effect (1.4: a little over 40% reorder) and costs consult_cost per
-- customer who gets it. Each order brings 3000 at a margin of 30%: 900.
--
-- Try next: narrow consult_effect's distribution (a pilot gave more data)
-- and see p_best and evpi change; give the consultation only to beginners.

scenario {
  name = "Lesson 4: uncertain assumptions",
  question = "How likely is the expert consultation to pay back, given what we do not know?",
  days = 180,
  customers = 10000,
  seed = 4,
  margin = 0.3,
  currency = "RUB",
}

-- How much the consultation raises the daily chance to reorder. Our best
-- guess is 1.4 (+40%); a similar shop saw +10% to +80%. A triangular
-- distribution says "most likely 1.4, surely between 1.1 and 1.8".
local effect = param "consult_effect" { 1.4, low = 1.0, high = 1.8, dist = triangular(1.1, 1.4, 1.8) }

-- What one consultation costs: a junior expert's 20 minutes and the
-- no-shows. About 120, rather more than less: gamma(shape 16, scale 7.5) has
-- mean 120 and a standard deviation of 30.
local cost = param "consult_cost" { 120, low = 50, high = 300, dist = gamma(16, 7.5) }

-- The daily chance to reorder without a consultation. Last year 120 of
-- 12,000 customer-days in use ended in a reorder: beta(120, 11880) says
-- 0.010, give or take 0.001.
local reorder = param "p_reorder" { 0.010, low = 0.007, high = 0.013, dist = beta(120, 11880) }

stage "product_page" { entry = true }
stage "order" { purchase = true, value = 3000, emotion = -1 }
stage "usage" { emotion = 1 }
stage "left" { terminal = true, description = "Never ordered" }
stage "gone" { terminal = true, description = "Ordered, then stopped buying here" }

transition("product_page", "order", 0.06)
transition("product_page", "left", 0.14)
-- Delivery takes 3 days.
transition("order", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("usage", "order", reorder)
transition("usage", "gone", 0.020)

intervention "consultation" {
  description = "A free 20-minute call with an expert after the first delivery",
  at = "usage",
  scale = { ["usage->order"] = effect },
  cost_per_customer = cost,     -- paid once for every customer who gets the call
}
