-- Course, lesson 3: emotions and pain points.
--
-- The journey map's emotion curve: customers are glad to find the product,
-- anxious after paying (a pain point: no news about the order until the
-- courier calls), relieved when the parcel comes. Anxious customers come
-- back less often. How much does that pain cost in repeat purchases, and
-- what is the opportunity worth: order-status messages that take part of the
-- anxiety away?
--
--   cjmsim check scenario.lua           the probabilities at every mood
--   cjmsim run scenario.lua --exact     the expected results, without noise
--   cjmsim run scenario.lua --exact --set order_emotion=-1
--
-- The mood runs from -3 to +3. Entering a stage changes it by the stage's
-- emotion (and by the mood of an intervention active there). The chance to
-- buy again grows with the mood and the chance to drift away shrinks. The
-- tasks are in student.en.md.

scenario {
  name = "Course 3: emotions and pain points",
  question = "What does the anxiety after ordering cost in repeat purchases, and what do order-status messages win back?",
  days = 365,
  customers = 20000,
  seed = 3,
  margin = 0.3,
  currency = "RUB",
}

-- How much ordering hurts (the pain point), and how much of it the
-- messages take away; both whole steps of mood.
local order_emotion = param "order_emotion" { -2, low = -3, high = 0 }
local status_mood   = param "status_mood"   { 1, low = 0, high = 2 }

stage "product_page" { entry = true, feelings = "Curious" }
stage "order" {
  purchase = true, value = 3000,
  emotion = order_emotion,
  thoughts = "When will it arrive? Did I choose right?",
  feelings = "Anxious",
  pains = "No news between the payment and the courier's call",
  opportunities = "Order-status messages in the messenger",
}
stage "usage" {
  emotion = 1,                  -- relief: it came, it works
  thoughts = "Is it working? Should I order more?",
  feelings = "Relieved",
}
stage "left" { terminal = true, description = "Never ordered" }
stage "gone" { terminal = true, description = "Ordered, then stopped buying here" }

-- 25% of the visitors order (0.05 / 0.20).
transition("product_page", "order", 0.05)
transition("product_page", "left", 0.15)

-- Delivery takes 3 days.
transition("order", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)

-- Buying again and drifting away depend on the mood: at mood m a customer
-- in usage buys again with 0.012 + 0.004 m a day and drifts away with
-- 0.020 - 0.004 m; the two always sum to 0.032.
transition("usage", "order", function(c) return 0.012 + 0.004 * c.mood end)
transition("usage", "gone",  function(c) return 0.020 - 0.004 * c.mood end)

intervention "order_status" {
  description = "Messages at every step: paid, packed, shipped, at the courier",
  channel = "messenger",
  at = "order", mood = status_mood,
  cost_per_use = 5,
}
