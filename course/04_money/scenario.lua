-- Course, lesson 4: interventions, uplift and money.
--
-- The shop of lesson 3 has three ideas for bringing customers back, and a
-- budget for one or two:
--   * order_status: messages at every step of every order (5 RUB an order);
--   * thank_you: a handwritten card in the first parcel only (40 RUB);
--   * coupon: after each delivery, a coupon for the next order that makes a
--     reorder 1.5 times as likely (its cost: the discount given, coupon_cost
--     per delivery).
-- Which brings the most repeat buyers, which the most money, and up to what
-- coupon cost does the coupon pay back?
--
--   cjmsim run scenario.lua --exact
--   cjmsim run scenario.lua --exact --variants coupon --set coupon_cost=0
--
-- cjmsim runs the baseline, each intervention alone and all three together
-- on the same customers; the uplift is the difference per customer. Profit
-- is margin x revenue - cost; ROI is the extra profit per unit of extra cost.
-- The tasks are in student.en.md.

scenario {
  name = "Course 4: interventions, uplift and money",
  question = "Which intervention brings the most repeat buyers, which the most profit, and when does the coupon pay back?",
  days = 365,
  customers = 20000,
  seed = 4,
  margin = 0.3,         -- 30% of an order's value is gross profit
  currency = "RUB",
}

local coupon_cost = param "coupon_cost" { 300, low = 0, high = 600 }  -- RUB per coupon sent

stage "product_page" { entry = true }
stage "order" {
  purchase = true, value = 3000,
  emotion = -2,                 -- anxiety after paying
  feelings = "Anxious",
  pains = "No news between the payment and the courier's call",
}
stage "usage" { emotion = 1, feelings = "Relieved", opportunities = "A reason to order again" }
stage "left" { terminal = true }
stage "gone" { terminal = true }

transition("product_page", "order", 0.05)      -- 25% order
transition("product_page", "left", 0.15)
transition("order", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)
transition("usage", "order", function(c) return 0.012 + 0.004 * c.mood end)
transition("usage", "gone",  function(c) return 0.020 - 0.004 * c.mood end)

intervention "order_status" {
  description = "Messages at every step of every order",
  at = "order", mood = 1,
  cost_per_use = 5,
}

intervention "thank_you" {
  description = "A handwritten card in the first parcel",
  at = "order", mood = 1, once = true,   -- the first purchase only
  cost_per_use = 40,
}

intervention "coupon" {
  description = "A coupon for the next order in every parcel",
  scale = { ["usage->order"] = 1.5 },    -- used on entering usage
  cost_per_use = coupon_cost,
}
