-- Fitted by `cjmsim fit` from events.csv: 1000 customers, 3991 events, days 0 to 120 (--days).
-- Made with: cjmsim fit events.csv --purchase order --days 120 --out scenario.lua
--
-- Each daily probability of moving from stage A to stage B is k / n: k moves
-- from A to B in n customer-days at risk in A (a customer who entered A on
-- day t and left on day u was at risk u - t days; one still in A when the log
-- ends counts until its end: censored). Estimated per persona.
-- Each is a parameter for `cjmsim psa`: dist = beta(k + 0.5, n - k + 0.5), the
-- Jeffreys posterior; low and high, and the 95% interval in each comment, are
-- its 2.5% and 97.5% quantiles (0 when k = 0, 1 when k = n).
--
-- A stage where the time spent before leaving is clearly not geometric (a
-- likelihood-ratio test of one constant daily probability against one per day
-- in the stage, p < 0.001) gets probabilities by c.days_in_stage instead: the
-- moves of each day in the stage over the customers still there, up to a
-- cap, then one constant. A stage nobody left that was observed for 368
-- customer-days or more is terminal (its daily probability of leaving is
-- below 1% with 95% confidence).

scenario { name = "Fitted from events.csv", customers = 1000, days = 120, seed = 1, margin = 0.3, currency = "EUR" }

-- Shares: each persona's customers in the log.
persona "athlete" { share = 428 / 1000 }
persona "beginner" { share = 572 / 1000 }

stage "awareness" { entry = true }  -- entered 1000 times; 1000 customers started here
stage "consideration" {}  -- entered 695 times
stage "lost" { terminal = true }  -- entered 712 times; nobody left it in 77878 customer-days
stage "cart" {}  -- entered 405 times
stage "order" { purchase = true, value = 39.1836 }  -- entered 464 times; value: mean amount of 464 rows (sd 11.46)
stage "delivered" {}  -- entered 464 times
stage "churned" { terminal = true }  -- entered 251 times; nobody left it in 17304 customer-days

-- Daily probabilities estimated from the data
-- awareness -> consideration, athlete: 318 moves in 2556 customer-days at risk = 0.1244 a day, 95% interval 0.112 to 0.1376
local p_awareness_consideration_athlete = param "p_awareness_consideration_athlete" { 0.124413, low = 0.112045, high = 0.137632, dist = beta(318.5, 2238.5) }
-- awareness -> consideration, beginner: 377 moves in 4637 customer-days at risk = 0.0813 a day, 95% interval 0.0737 to 0.08943
local p_awareness_consideration_beginner = param "p_awareness_consideration_beginner" { 0.0813026, low = 0.073697, high = 0.0894306, dist = beta(377.5, 4260.5) }
-- awareness -> lost, athlete: 110 moves in 2556 customer-days at risk = 0.04304 a day, 95% interval 0.03568 to 0.05143
local p_awareness_lost_athlete = param "p_awareness_lost_athlete" { 0.043036, low = 0.0356791, high = 0.0514267, dist = beta(110.5, 2446.5) }
-- awareness -> lost, beginner: 195 moves in 4637 customer-days at risk = 0.04205 a day, 95% interval 0.03656 to 0.04812
local p_awareness_lost_beginner = param "p_awareness_lost_beginner" { 0.0420531, low = 0.0365591, high = 0.0481184, dist = beta(195.5, 4442.5) }
-- consideration -> lost, athlete: 113 moves in 1324 customer-days at risk = 0.08535 a day, 95% interval 0.0712 to 0.1013
local p_consideration_lost_athlete = param "p_consideration_lost_athlete" { 0.0853474, low = 0.0712003, high = 0.101305, dist = beta(113.5, 1211.5) }
-- consideration -> lost, beginner: 177 moves in 2216 customer-days at risk = 0.07987 a day, 95% interval 0.06913 to 0.09171
local p_consideration_lost_beginner = param "p_consideration_lost_beginner" { 0.0798736, low = 0.0691328, high = 0.0917109, dist = beta(177.5, 2039.5) }
-- consideration -> cart, athlete: 205 moves in 1324 customer-days at risk = 0.1548 a day, 95% interval 0.1361 to 0.1751
local p_consideration_cart_athlete = param "p_consideration_cart_athlete" { 0.154834, low = 0.136111, high = 0.175064, dist = beta(205.5, 1119.5) }
-- consideration -> cart, beginner: 200 moves in 2216 customer-days at risk = 0.09025 a day, 95% interval 0.07886 to 0.1027
local p_consideration_cart_beginner = param "p_consideration_cart_beginner" { 0.0902527, low = 0.0788564, high = 0.102718, dist = beta(200.5, 2016.5) }
-- cart -> lost, athlete: 60 moves in 544 customer-days at risk = 0.1103 a day, 95% interval 0.08605 to 0.1387
local p_cart_lost_athlete = param "p_cart_lost_athlete" { 0.110294, low = 0.0860464, high = 0.138674, dist = beta(60.5, 484.5) }
-- cart -> lost, beginner: 57 moves in 604 customer-days at risk = 0.09437 a day, 95% interval 0.07299 to 0.1196
local p_cart_lost_beginner = param "p_cart_lost_beginner" { 0.0943709, low = 0.0729923, high = 0.119624, dist = beta(57.5, 547.5) }
-- cart -> order, athlete: 145 moves in 544 customer-days at risk = 0.2665 a day, 95% interval 0.2307 to 0.3049
local p_cart_order_athlete = param "p_cart_order_athlete" { 0.266544, low = 0.230697, high = 0.304867, dist = beta(145.5, 399.5) }
-- cart -> order, beginner: 143 moves in 604 customer-days at risk = 0.2368 a day, 95% interval 0.2042 to 0.2719
local p_cart_order_beginner = param "p_cart_order_beginner" { 0.236755, low = 0.204166, high = 0.27186, dist = beta(143.5, 461.5) }
-- delivered -> order, athlete: 121 moves in 5674 customer-days at risk = 0.02133 a day, 95% interval 0.01781 to 0.02533
local p_delivered_order_athlete = param "p_delivered_order_athlete" { 0.0213253, low = 0.0178065, high = 0.0253323, dist = beta(121.5, 5553.5) }
-- delivered -> order, beginner: 55 moves in 5871 customer-days at risk = 0.009368 a day, 95% interval 0.007139 to 0.01208
local p_delivered_order_beginner = param "p_delivered_order_beginner" { 0.00936808, low = 0.00713894, high = 0.0120804, dist = beta(55.5, 5816.5) }
-- delivered -> churned, athlete: 130 moves in 5674 customer-days at risk = 0.02291 a day, 95% interval 0.01926 to 0.02705
local p_delivered_churned_athlete = param "p_delivered_churned_athlete" { 0.0229115, low = 0.0192579, high = 0.0270516, dist = beta(130.5, 5544.5) }
-- delivered -> churned, beginner: 121 moves in 5871 customer-days at risk = 0.02061 a day, 95% interval 0.01721 to 0.02448
local p_delivered_churned_beginner = param "p_delivered_churned_beginner" { 0.0206098, low = 0.0172079, high = 0.024484, dist = beta(121.5, 5750.5) }

-- The estimates of one stage are drawn independently by psa (or swept one at
-- a time), so they may sum above 1: at_most_one gives the factor that scales
-- such a set down to sum 1 (1 for the estimates themselves).
local function at_most_one(...)
  local sum = 0
  for _, p in ipairs({ ... }) do sum = sum + p end
  return sum > 1 and 1 / sum or 1
end

-- awareness: geometric time before leaving fits (likelihood ratio test: G = 57.5 on 36 df, p = 0.013)
local k_awareness = { athlete = at_most_one(p_awareness_consideration_athlete, p_awareness_lost_athlete), beginner = at_most_one(p_awareness_consideration_beginner, p_awareness_lost_beginner) }
transition("awareness", "consideration", { athlete = p_awareness_consideration_athlete * k_awareness.athlete, beginner = p_awareness_consideration_beginner * k_awareness.beginner })
transition("awareness", "lost", { athlete = p_awareness_lost_athlete * k_awareness.athlete, beginner = p_awareness_lost_beginner * k_awareness.beginner })

-- consideration: geometric time before leaving fits (likelihood ratio test: G = 31.8 on 26 df, p = 0.2)
local k_consideration = { athlete = at_most_one(p_consideration_lost_athlete, p_consideration_cart_athlete), beginner = at_most_one(p_consideration_lost_beginner, p_consideration_cart_beginner) }
transition("consideration", "lost", { athlete = p_consideration_lost_athlete * k_consideration.athlete, beginner = p_consideration_lost_beginner * k_consideration.beginner })
transition("consideration", "cart", { athlete = p_consideration_cart_athlete * k_consideration.athlete, beginner = p_consideration_cart_beginner * k_consideration.beginner })

-- cart: geometric time before leaving fits (likelihood ratio test: G = 16.4 on 14 df, p = 0.29)
local k_cart = { athlete = at_most_one(p_cart_lost_athlete, p_cart_order_athlete), beginner = at_most_one(p_cart_lost_beginner, p_cart_order_beginner) }
transition("cart", "lost", { athlete = p_cart_lost_athlete * k_cart.athlete, beginner = p_cart_lost_beginner * k_cart.beginner })
transition("cart", "order", { athlete = p_cart_order_athlete * k_cart.athlete, beginner = p_cart_order_beginner * k_cart.beginner })

-- order: the time spent before leaving is not geometric (likelihood ratio test
-- against one constant daily probability: G = 1772.1 on 4 df, p = 0 < 0.001),
-- so its probabilities depend on the day in the stage: moves / customers there,
-- day by day up to day 3, then constant.
-- order -> delivered, moves / customers there, all personas: day 1: 0/464, day 2: 0/464, day 3+: 464/464
local h_order_delivered = {
  athlete = { 0, 0, 1 },
  beginner = { 0, 0, 1 },
}
transition("order", "delivered", function(c) return h_order_delivered[c.persona][math.min(c.days_in_stage, 3)] end)

-- delivered: geometric time before leaving fits (likelihood ratio test: G = 48.6 on 26 df, p = 0.0046)
local k_delivered = { athlete = at_most_one(p_delivered_order_athlete, p_delivered_churned_athlete), beginner = at_most_one(p_delivered_order_beginner, p_delivered_churned_beginner) }
transition("delivered", "order", { athlete = p_delivered_order_athlete * k_delivered.athlete, beginner = p_delivered_order_beginner * k_delivered.beginner })
transition("delivered", "churned", { athlete = p_delivered_churned_athlete * k_delivered.athlete, beginner = p_delivered_churned_beginner * k_delivered.beginner })

-- ---------------------------------------------------------------------------
-- Written by hand from here on. Everything above is what the command on the
-- second line wrote from the shop's event log, except margin and currency,
-- added to the scenario line: the log knows what customers paid, not what
-- the shop keeps of it (30% of an order is gross profit).
--
-- The intervention to test: a reminder sent when an order is delivered
-- ("running low? reorder in one click"). It multiplies the daily chance of a
-- repeat purchase (delivered -> order) by reminder_effect, and every reminder
-- sent (one per delivery) costs reminder_cost EUR, with the coupon it
-- carries. Nobody has measured its effect yet: the marketers' guess is 1.3,
-- somewhere between 1.0 (no effect) and 1.6. Its cost is known.
local reminder_effect = param "reminder_effect" { 1.3, low = 1.0, high = 1.6, dist = triangular(1.0, 1.3, 1.6) }
local reminder_cost = param "reminder_cost" { 0.8 }

intervention "reminder" {
  description = "A reorder reminder when the parcel is delivered",
  channel = "email",
  scale = { ["delivered->order"] = reminder_effect },
  cost_per_use = reminder_cost,
}
