-- Lesson 3: emotions and an intervention.
--
-- The question this scenario answers: after ordering, customers are anxious
-- (when will it arrive? did I choose right?), and anxious customers come
-- back less often. If order-status messages take part of the anxiety away,
-- how many more customers buy a second time, and does it pay?
--
--   cjmsim check scripts/lesson3_emotions.lua
--   cjmsim run scripts/lesson3_emotions.lua
--
-- What to learn:
--   * a stage's emotion changes the mood of everyone who enters it; the
--     mood runs from -3 to +3 and is the journey map's emotion curve;
--   * a probability can be a function of the customer c: here the chance to
--     buy again grows, and the chance to drift away shrinks, with c.mood;
--   * an intervention is a change to test: cjmsim runs the baseline and the
--     intervention on the same customers and reports the difference with
--     its 95% interval, and the money.
--
-- The numbers: ordering costs 2 points of mood (emotion = -2), the parcel
-- gives one back (+1). In the baseline a customer who starts at 0 uses the
-- product at mood -1: buys again with 0.012 - 0.004 = 0.008 a day and drifts
-- away with 0.020 + 0.004 = 0.024, so 0.008 / 0.032 = 25% of the buyers buy
-- again. With the messages (mood +1 on ordering) the mood in use is 0:
-- 0.012 / 0.032 = 37.5% buy again, half as many again as before.
--
-- Try next: give the messages only to some customers (personas = { ... }),
-- or add an intervention of your own at "usage".

scenario {
  name = "Lesson 3: emotions and an intervention",
  question = "Do order-status messages, which calm customers after ordering, bring more repeat purchases?",
  days = 180,
  customers = 20000,
  seed = 3,
  margin = 0.3,
  currency = "RUB",
}

stage "product_page" { entry = true }
stage "order" {
  purchase = true, value = 3000,
  emotion = -2,                 -- anxiety: the money is gone, the parcel is not here
  thoughts = "When will it arrive? Did I choose right?",
  feelings = "Anxious",
}
stage "usage" {
  emotion = 1,                  -- relief: it came, it works
  thoughts = "Is it working? Should I order more?",
}
stage "left" { terminal = true, description = "Never ordered" }
stage "gone" { terminal = true, description = "Ordered, then stopped buying here" }

-- 25% of the visitors order (0.05 / 0.20).
transition("product_page", "order", 0.05)
transition("product_page", "left", 0.15)

-- Delivery takes 3 days: nobody can leave "order" before day 3 in it.
transition("order", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)

-- Buying again and drifting away depend on the mood (-3 ... +3). Both stay
-- between 0 and 1 for every mood, as probabilities must.
transition("usage", "order", function(c) return 0.012 + 0.004 * c.mood end)
transition("usage", "gone",  function(c) return 0.020 - 0.004 * c.mood end)

intervention "order_status" {
  description = "Messages at every step: paid, packed, shipped, at the courier",
  channel = "messenger",
  at = "order", mood = 1,       -- half of the anxiety is gone
  cost_per_use = 5,             -- the messages of one order
}
