-- Lesson 5: calendar time and a monthly revenue chart.
--
-- The question this scenario answers: 100 new visitors come to the shop
-- every day. How does the monthly revenue grow from the opening day, where
-- does it level off, and how long must a loyalty programme run before its
-- effect shows in full?
--
--   cjmsim check scripts/lesson5_calendar.lua
--   cjmsim run scripts/lesson5_calendar.lua
--   then open results/lesson5_calendar/plots/monthly.svg (or report.html)
--
-- What to learn:
--   * `arrivals = 100` instead of `customers`: new customers arrive on every
--     day of the run, so the shop's customer base builds up. A customer who
--     arrives on day 200 has only 160 days left to buy;
--   * the monthly chart (plots/monthly.svg, and the table "Month by month"
--     in report.html) shows revenue and new repeat buyers per 30-day month;
--     the console prints the last month beside the totals;
--   * daily.csv has every day's own arrivals, purchases, revenue and cost.
--
-- The numbers: half the visitors order (0.1 a day to order against 0.1 to
-- leave), and after every order a customer orders again with
-- 0.02 / (0.02 + 0.02) = 50%: 1 + 0.5 + 0.25 + ... = 2 orders per buyer, so
-- 1 order of 50 per visitor. Once the shop has run long enough for the
-- customers of every age to be there (about 6 months: a customer stays
-- about 5 days on the site and 25 days per reorder cycle), a month brings
-- 30 x 100 x 1 x 50 = 150,000 of revenue: the curve levels off there. Month 1
-- is far below: its customers have had at most 30 days.
--
-- Reading the chart: the loyalty programme raises the reorder chance by
-- half (0.03 against 0.02 to churn: 60% reorder, 2.5 orders per buyer), so
-- its level is 187,500 a month, 25% above. But its first months are only a
-- little above the baseline: reorders take time, and a test read after one
-- month would see a fraction of the effect. The gap keeps widening for
-- months before both curves level off.
--
-- Try next: run with --exact to see the curves without noise; make the
-- traffic grow with arrivals = function(day) return 50 + day / 2 end.

scenario {
  name = "Lesson 5: calendar time",
  question = "How does monthly revenue grow from the opening day, and when does a loyalty programme show its full effect?",
  days = 360,        -- 12 months of 30 days
  arrivals = 100,    -- new visitors every day
  seed = 5,
  margin = 0.3,
  repeat_window = 60,  -- also count customers who reordered within 60 days
}

stage "site" { entry = true }
stage "order" { purchase = true, value = 50 }
stage "use" { }
stage "left" { terminal = true }
stage "churned" { terminal = true }

transition("site", "order", 0.1)
transition("site", "left", 0.1)
transition("order", "use", 1)          -- the parcel arrives the next day
transition("use", "order", 0.02)       -- reorders
transition("use", "churned", 0.02)

intervention "loyalty" {
  description = "Points on every order, redeemable on the next one",
  scale = { ["use->order"] = 1.5 },
  cost_per_use = 1,   -- 1 of points per delivered order (each entry into "use")
}
