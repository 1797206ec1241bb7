-- Sports nutrition shop in calendar time: a year of daily traffic.
--
-- The question this scenario answers: with new visitors arriving every day
-- (more at the weekend, and a burst during the January campaign), what does
-- a year of order notifications and expert consultations bring, month by
-- month, in repeat buyers within 90 days and in lifetime profit per customer?
--
--   cjmsim check scripts/sport_nutrition_calendar.lua
--   cjmsim run scripts/sport_nutrition_calendar.lua
--
-- This is scripts/sport_nutrition.lua with calendar time instead of one
-- cohort: `arrivals` gives each day's new visitors, `repeat_window` counts the
-- customers whose second order came within 90 days of their first (what an
-- A/B test or the shop's analytics measure), and `discount_rate` turns each
-- customer's orders and costs into a lifetime value (clv_revenue,
-- clv_profit in summary.json), every payment discounted at 15% a year from
-- the day the customer arrived. Order notifications launch on day 60
-- (from_day = 60), so the months before and after the launch can be told
-- apart. The monthly chart (plots/monthly.svg) shows revenue and new repeat
-- buyers month by month; the console prints the last month beside the year.

scenario {
  name = "Sports nutrition shop, a year of daily traffic",
  question = "Month by month, what do order notifications and expert consultations bring in repeat buyers within 90 days and in lifetime profit?",
  days = 365,
  seed = 42,
  margin = 0.30,
  currency = "RUB",
  repeat_window = 90,
  discount_rate = 0.15,
  -- Visitors who notice the shop each day: 250 on weekdays, 400 on
  -- weekends (days 5 and 6 of each week), and 1,000 more a day during the
  -- campaign of days 0-13: 120,850 over the year.
  arrivals = function(day)
    local base = (day % 7 >= 5) and 400 or 250
    if day < 14 then base = base + 1000 end
    return base
  end,
}

include "beginner" { share = 0.50 }
include "athlete"  { share = 0.35 }
include "coach"    { share = 0.15 }

stage "awareness" { entry = true, touchpoints = { "targeted ads", "fitness bloggers", "Telegram channel" } }
stage "consideration" { touchpoints = { "site catalogue", "reviews" } }
stage "purchase" {
  purchase = true,
  value = { beginner = 2500, athlete = 3500, coach = 2500 * 12 * 0.3 },
  emotion = -1,        -- anxiety after ordering
  thoughts = "When will it arrive? Did I choose right?",
}
stage "usage" { emotion = 1, thoughts = "How much should I take? Is it working?" }
stage "lost" { terminal = true }
stage "churned" { terminal = true }

transition("awareness", "consideration", { beginner = 0.030, athlete = 0.040, coach = 0.050 })
transition("awareness", "lost", 0.05)
transition("consideration", "purchase", { beginner = 0.05, athlete = 0.08, coach = 0.07 })
transition("consideration", "lost", 0.06)
-- Delivery takes 2 to 4 days.
transition("purchase", "usage", function(c)
  if c.days_in_stage < 2 then return 0 end
  if c.days_in_stage < 4 then return 0.5 end
  return 1
end)
-- A tub lasts about a month: reorders come after ~25 days in use.
transition("usage", "purchase", function(c)
  if c.days_in_stage < 25 then return 0.002 end
  local habit = 1 + 0.1 * math.min(c.purchases - 1, 3)
  return c.reorder * habit * (1 + 0.3 * c.mood)
end)
transition("usage", "churned", function(c) return 0.020 - 0.004 * c.mood end)

-- The notifications are not ready yet: they launch on day 60, two months
-- into the year. Before that day the variant runs as the baseline; from day
-- 60 every order placed gets the mood change and costs 6, including the
-- orders of customers who arrived before the launch (customers who ordered
-- before day 60 keep the mood they had). `cjmsim check` shows the window.
intervention "order_notifications" {
  description = "Messenger notifications at every step: paid, packed, shipped, at the courier",
  at = "purchase", mood = 1,
  cost_per_use = 6,
  from_day = 60,
}

intervention "expert_consultation" {
  description = "A free 20-minute call with a nutrition expert after the first delivery",
  personas = { "beginner", "coach" },
  at = "usage", mood = 1,
  scale = { ["usage->churned"] = 0.7 },
  cost_per_customer = 350,
}
