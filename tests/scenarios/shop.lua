-- A small shop for the results tests: three personas whose shares do not
-- divide small customer counts evenly, three interventions, one purchase
-- stage with an order value of 25.
scenario { name = "Corner shop", customers = 1500, days = 30, seed = 7 }

persona "student" { share = 0.2, mood = 0 }
persona "parent"  { share = 0.5, mood = 1, kids = 2 }
persona "retiree" { share = 0.3, mood = -1 }

stage "ad"      { entry = true, touchpoints = { "flyer", "radio" } }
stage "visit"   { touchpoints = { "shop window" } }
stage "buy"     { purchase = true, value = 25, emotion = -1 }
stage "home"    { emotion = 1 }
stage "gone"    { terminal = true }

transition("ad", "visit", { student = 0.30, parent = 0.20, retiree = 0.10 })
transition("visit", "buy", 0.25)
transition("visit", "gone", 0.05)
transition("buy", "home", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
transition("home", "buy", function(c) return 0.04 + 0.01 * c.mood + 0.005 * (c.kids or 0) end)
transition("home", "gone", function(c) return 0.05 - 0.01 * c.mood end)

intervention "coupon"   { at = "buy", mood = 1, cost_per_customer = 0.5 }
intervention "loyalty"  { scale = { ["home->buy"] = 1.5 }, personas = { "parent", "retiree" },
                          cost_per_customer = 1 }
intervention "newsletter" { scale = { ["ad->visit"] = 2 }, cost_per_customer = 0.1 }
