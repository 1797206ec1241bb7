-- A journey whose results are known exactly (tests/e2e/60_sweep.t, 61_psa.t,
-- 62_breakeven.t): a customer in "browse" buys with daily probability q (the
-- promo doubles it), goes back to browsing the next day, and may buy again.
-- Each purchase is worth 10 with a margin of 1; the promo costs promo_cost
-- per customer.
scenario { name = "Exact", days = 12, customers = 20000, seed = 5, margin = 1 }

local q    = param "q" { 0.02, low = 0.005, high = 0.05 }
local cost = param "promo_cost" { 0, low = 0, high = 5 }

stage "browse" { entry = true }
stage "buy"    { purchase = true, value = 10 }

transition("browse", "buy", q)
transition("buy", "browse", 1)

intervention "promo" { scale = { ["browse->buy"] = 2 }, cost_per_customer = cost }
