-- A marketer's analytics, used to pin down three uncertain probabilities.
--
-- The question this scenario answers: which daily probabilities of putting
-- something in the cart, ordering and ordering again reproduce what the
-- analytics observed?
--
-- The web analytics of the last quarter say: of 10,000 visitors, 2,300 put
-- something in the cart, 600 ordered (560 of them within 30 days) and 140
-- ordered a second time (105 of them within 60 days). Nobody knows the
-- daily probabilities behind those counts, but each is declared as a
-- parameter with the range it can lie in, and each count as a target:
--
--   cjmsim run scripts/calibration_shop.lua         (each target beside the model's figure)
--   cjmsim calibrate scripts/calibration_shop.lua   (the values that fit the counts best)
--   cjmsim run scripts/calibration_shop.lua \
--       --params results/calibration_shop-calibration/calibration.json
--
-- calibrate finds the values under which the observed counts are most
-- likely (binomial likelihood), gives each a 95% interval from the
-- likelihood profile, and warns when the targets cannot tell two
-- parameters apart. The defaults below are guesses; calibration.json
-- holds what the counts say.

scenario {
  name = "Calibrated shop",
  question = "Which daily probabilities reproduce what the analytics observed?",
  days = 90,
  customers = 10000,
  seed = 11,
  margin = 0.25,
  currency = "RUB",
}

-- DAILY probabilities (see ad_funnel.lua): a visitor who does nothing
-- leaves with 0.15 a day, so the share who reach the cart is
-- p_cart / (p_cart + 0.15).
local p_cart   = param "p_cart"   { 0.04, low = 0.005, high = 0.2 }
local p_order  = param "p_order"  { 0.05, low = 0.005, high = 0.3 }
local p_return = param "p_return" { 0.01, low = 0.001, high = 0.05 }

stage "visit"  { entry = true }
stage "cart"   { }
stage "order"  { purchase = true, value = 2500 }
stage "usage"  { }
stage "left"   { terminal = true, description = "Left without ordering" }
stage "gone"   { terminal = true, description = "Ordered, then stopped buying here" }

transition("visit", "cart", p_cart)
transition("visit", "left", 0.15)
transition("cart", "order", p_order)
transition("cart", "left", 0.10)
transition("order", "usage", 1)
transition("usage", "order", p_return)
transition("usage", "gone", 0.03)

-- What the analytics observed: K of N customers did it.
target "carts"        { stage = "cart", reached = 2300, of = 10000 }
target "orders"       { stage = "order", reached = 600, of = 10000 }
target "orders_30"    { buyers = 560, of = 10000, by_day = 30 }
target "repeat"       { repeat_buyers = 140, of = 10000 }
target "repeat_60"    { repeat_buyers = 105, of = 10000, by_day = 60 }
