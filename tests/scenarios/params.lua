-- Parameters where numbers stand: a probability, a probability function and
-- an intervention's factor (tests/e2e/50_params.t).
scenario { name = "Params", days = 30, customers = 2000, seed = 7 }

local p_buy  = param "p_buy" { 0.1, low = 0.05, high = 0.2, dist = beta(10, 90) }
local effect = param "effect" { 1.5, low = 1, high = 2 }
local leave  = param "p_leave" { 0.1 }

stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
stage "gone"  { terminal = true }

transition("visit", "buy", p_buy)
transition("visit", "gone", 0.05)
transition("buy", "gone", function(c) return leave end)

intervention "promo" { scale = { ["visit->buy"] = effect } }
