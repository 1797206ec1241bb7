-- Parameters as a share, a starting mood, an order value and a cost
-- (tests/e2e/50_params.t): everyone buys on day 1 and stays.
scenario { name = "Param places", days = 10, customers = 1000, seed = 1 }

local share = param "share_a" { 0.5, low = 0.1, high = 0.9 }
local mood  = param "mood_b" { 0 }
local value = param "value" { 10, low = 5, high = 20, dist = triangular(5, 10, 20) }
local cost  = param "cost" { 1, dist = gamma(4, 0.25) }

persona "a" { share = share }
persona "b" { share = 1 - share, mood = mood }

stage "visit" { entry = true }
stage "buy"   { purchase = true, value = value }

transition("visit", "buy", 1)

intervention "gift" { at = "buy", mood = 1, cost_per_customer = cost }
