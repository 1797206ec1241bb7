-- @NAME@: a customer journey for cjmsim to simulate.
--
-- `cjmsim new` wrote this file; it runs as is:
--
--   cjmsim check @FILE@    shows the journey the file describes
--   cjmsim run @FILE@      simulates it and writes the results
--
-- Then make it yours: rename the stages, change the numbers, add personas
-- and the interventions you want to test, and run it again. Every key is
-- explained in docs/scenario-language.md and in `man cjmsim`.
--
-- The question this scenario answers (write your own here):
--   Does a reminder e-mail bring back customers who left something in the
--   cart, and does it pay?

scenario {
  name = "@NAME@",
  question = "Does a reminder e-mail bring back customers who left something in the cart?",
  days = 90,            -- how many days to simulate
  customers = 10000,    -- how many people start the journey
  seed = 1,             -- the same seed gives the same results
  margin = 0.3,         -- the share of revenue that is profit
}

-- Personas: the kinds of customers. Their shares add up to 1. `mood` is the
-- mood they arrive with, from -3 to 3. Other keys are descriptions (who,
-- needs, pains ...) or attributes that functions can read (c.basket).
persona "newcomer" { share = 0.7, mood = 0, who = "Visits the shop for the first time" }
persona "regular"  { share = 0.3, mood = 1, who = "Has bought here before" }
-- A persona from the library instead: include "beginner" { share = 0.3 }

-- Stages: the steps of the journey. Exactly one is the entry. Entering a
-- stage changes the mood by its `emotion`; entering a `purchase` stage is a
-- purchase worth `value`; nobody leaves a `terminal` stage.
stage "visit"    { entry = true, touchpoints = { "ads", "search" } }
stage "cart"     { touchpoints = "the shopping cart", thoughts = "Do I really need it?" }
stage "purchase" { purchase = true, value = 30, emotion = -1,
                   thoughts = "Will it arrive on time?" }
stage "usage"    { emotion = 1, thoughts = "It works. I might need more." }
stage "gone"     { terminal = true }

-- Transitions: DAILY probabilities. A customer in "cart" goes on to buy with
-- 0.10 a day and leaves with 0.10 a day, so half of them buy, after
-- 1 / (0.10 + 0.10) = 5 days on average.
transition("visit", "cart", { newcomer = 0.05, regular = 0.10 })  -- per persona
transition("visit", "gone", 0.15)                                 -- the same for all
transition("cart", "purchase", 0.10)
transition("cart", "gone", 0.10)
-- A function of the customer c: delivery takes two days.
transition("purchase", "usage", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
-- Happy customers come back more often (c.mood runs from -3 to 3).
transition("usage", "purchase", function(c) return 0.010 + 0.002 * c.mood end)
transition("usage", "gone", 0.02)

-- Interventions: the changes to test. cjmsim runs the baseline and every
-- intervention on the same customers and reports the difference.
intervention "cart_reminder" {
  description = "An e-mail the next day to everyone who left something in the cart",
  scale = { ["cart->purchase"] = 1.3 },   -- 30% more buy from the cart each day
  cost_per_customer = 0.2,                -- what one e-mail costs
}
