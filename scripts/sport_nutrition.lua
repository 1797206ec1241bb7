-- Sports nutrition shop: why don't customers come back?
--
-- Sergey runs an online sports-nutrition shop. Traffic is good, prices are
-- fair, delivery is fast, yet few customers buy a second time. Looking at the
-- journey through his customers' eyes showed two holes:
--   * after ordering, customers are anxious: when will it arrive, did I choose
--     the right product?
--   * after delivery, nobody talks to them: how to take it, is it working?
-- Two fixes are on the table, and both cost money: order-status
-- notifications, and a free consultation with an expert after delivery.
--
-- The question this scenario answers: how many more customers will buy again
-- with each fix (and with both), for which persona, and does it pay?
--
--   cjmsim check scripts/sport_nutrition.lua   what the file means, stage by stage
--   cjmsim run scripts/sport_nutrition.lua     the simulation
--
-- How to read the numbers below: a transition's probability is DAILY. A
-- customer in "consideration" who leaves for "purchase" with 0.05 a day and for
-- "lost" with 0.06 a day ends up buying with 0.05 / (0.05 + 0.06) = 45%, after
-- about 1 / 0.11 = 9 days on average. Moods run from -3 to +3; a stage's
-- emotion moves the mood of everyone who enters it.

scenario {
  name = "Sports nutrition shop",
  question = "Which fix brings more repeat purchases: order notifications, an expert consultation, or both?",
  days = 180,          -- half a year of the shop's life
  customers = 100000,  -- people who noticed the shop (an ad, a blogger, the Telegram channel)
  seed = 42,
  margin = 0.30,       -- 30% of an order's value is gross profit
  currency = "RUB",
}

-- Parameters: the numbers this scenario is least sure of, declared once so
-- that `--set name=value` can change them and sweeps, uncertainty analysis,
-- break-even searches and calibration can explore them. Each gives its best
-- guess (used in a plain run), a range (low..high) worth exploring, and a
-- distribution saying how the guess may be off.
--
--   cjmsim run scripts/sport_nutrition.lua --set consult_cost=500

-- How much a good mood raises the daily chance to reorder: +30% per mood
-- step. Surveys of comparable shops put it anywhere from 10% to 50%, most
-- often near 30%: a triangular distribution says just that.
local mood_lift = param "mood_lift" { 0.3, low = 0.1, high = 0.5, dist = triangular(0.1, 0.3, 0.5) }

-- The consultation multiplies the daily chance to drift away by 0.7 (30%
-- fewer leave). The evidence is a small pilot, worth about 20 observations:
-- beta(14, 6) has mean 0.7 and a standard deviation of 0.1.
local consult_churn = param "consult_churn" { 0.7, low = 0.5, high = 0.95, dist = beta(14, 6) }

-- Costs. Three messenger notifications per order cost about 6 RUB at the
-- provider's price list; volume discounts or extra messages move it a little,
-- and it cannot fall much below 4.5.
local notification_cost = param "notification_cost" { 6, low = 4.5, high = 9, dist = triangular(4.5, 6, 9) }
-- An expert's 20 minutes, with preparation and no-shows, cost about 350 RUB
-- per customer; hourly rates vary more upwards than downwards: gamma with
-- shape 25 and scale 14 has mean 350 and a standard deviation of 70.
local consult_cost = param "consult_cost" { 350, low = 250, high = 500, dist = gamma(25, 14) }

-- Personas, described with the 5W method (what, who, why, when, where).
-- `share` is the part of the audience; `mood` the mood they arrive with;
-- other numbers (reorder) are attributes the transition functions read.
-- The same three personas are in the persona library (personas/*.lua), so
-- that another scenario can take them with include "beginner" { share = 0.5 }.

persona "beginner" {
  share = 0.50, mood = 0,
  who = "Started going to the gym a few months ago",
  what = "A first protein, maybe a gainer",
  why = "Wants visible results without harming health",
  when = "After a trainer or a friend advised it",
  where = "Searches the web, reads reviews, asks in chats",
  needs = "Simple guidance: what to take, how much, when",
  pains = { "Fear of choosing wrong", "Does not understand the labels" },
  goals = "Gain muscle safely",
  reorder = 0.010,   -- daily chance to reorder once the tub runs out
}

persona "athlete" {
  share = 0.35, mood = 1,
  who = "Trains for years, competes as an amateur",
  what = "Proteins, BCAA, creatine: knows the brands",
  why = "Keeps a training plan going",
  when = "When the current tub runs out",
  where = "Compares prices across shops",
  needs = "Fair price, genuine products, fast delivery",
  pains = "Fakes and out-of-stock favourites",
  goals = "Never run out in the middle of a cycle",
  reorder = 0.025,
}

persona "coach" {
  share = 0.15, mood = 1,
  who = "Coaches a team or a group",
  what = "Orders for the whole group",
  why = "The team's results are their reputation",
  when = "Before a training camp or a season",
  where = "Messengers, phone, a personal manager",
  needs = "Bulk prices, invoices, reliable dates",
  pains = "Late deliveries break the training plan",
  goals = "A supplier to rely on for years",
  team_size = 12,
  reorder = 0.022,
}

-- The journey. Stages are columns of the journey map; the descriptive fields
-- (touchpoints, actions, thoughts, pains, opportunities) are kept for reports.

stage "awareness" {
  entry = true,
  touchpoints = { "targeted ads", "fitness bloggers", "Telegram channel", "a friend's advice" },
  actions = "Notices the shop, follows the channel",
  thoughts = "I need something to grow faster. But what?",
}

stage "consideration" {
  touchpoints = { "site catalogue", "reviews", "chat with the shop" },
  actions = "Compares products, reads labels and reviews",
  thoughts = "Is this brand genuine? Is this the right product for me?",
  pains = "Too many products, too much jargon",
  opportunities = "A quiz that picks a product for your goal",
}

stage "purchase" {
  purchase = true,
  value = { beginner = 2500, athlete = 3500, coach = 2500 * 12 * 0.3 },  -- a coach orders for part of the team
  emotion = -1,        -- anxiety after ordering
  touchpoints = { "checkout", "payment", "courier" },
  actions = "Orders, pays, waits for the parcel",
  thoughts = "When will it arrive? Did I choose right?",
  feelings = "Anxious",
  pains = "No news about the order between payment and the courier's call",
  opportunities = "Order-status notifications in the messenger",
}

stage "usage" {
  emotion = 1,         -- the parcel arrived: relief
  touchpoints = { "the product", "the label" },
  actions = "Takes the product, trains",
  thoughts = "How much should I take? Is it working?",
  feelings = "Left alone",
  pains = "Nobody explains how to use the product or asks about results",
  opportunities = "A free consultation with an expert after delivery",
}

stage "lost" {
  terminal = true,
  description = "Went elsewhere before buying",
}

stage "churned" {
  terminal = true,
  description = "Bought, then stopped buying here",
}

-- Transitions: daily probabilities.

-- Followers of the channel come to the site within weeks, or forget.
transition("awareness", "consideration", { beginner = 0.030, athlete = 0.040, coach = 0.050 })
transition("awareness", "lost", 0.05)

-- On the site: athletes know what they want; beginners hesitate.
transition("consideration", "purchase", { beginner = 0.05, athlete = 0.08, coach = 0.07 })
transition("consideration", "lost", 0.06)

-- Delivery takes 2 to 4 days: nobody arrives on day 1, half on day 2, ...
transition("purchase", "usage", function(c)
  if c.days_in_stage < 2 then return 0 end
  if c.days_in_stage < 4 then return 0.5 end
  return 1
end)

-- Repeat purchase: a tub lasts about a month, so reorders come after ~25 days
-- in use. A good mood makes a reorder more likely, and customers who already
-- bought several times are creatures of habit.
transition("usage", "purchase", function(c)
  if c.days_in_stage < 25 then return 0.002 end   -- an early second product
  local habit = 1 + 0.1 * math.min(c.purchases - 1, 3)
  return c.reorder * habit * (1 + mood_lift * c.mood)
end)

-- Customers drift away; unhappy ones faster.
transition("usage", "churned", function(c) return 0.020 - 0.004 * c.mood end)

-- Interventions: what the shop can change, and what it costs.

intervention "order_notifications" {
  description = "Messenger notifications at every step: paid, packed, shipped, at the courier",
  channel = "messenger",
  at = "purchase", mood = 1,      -- takes the anxiety away (a mood is a whole step)
  cost_per_use = notification_cost,  -- three messages per order
}

intervention "expert_consultation" {
  description = "A free 20-minute call with a nutrition expert after the first delivery",
  channel = "phone",
  personas = { "beginner", "coach" },  -- athletes know what they are doing
  at = "usage", mood = 1,
  scale = { ["usage->churned"] = consult_churn },
  cost_per_customer = consult_cost,  -- the expert's time, once per customer
}
