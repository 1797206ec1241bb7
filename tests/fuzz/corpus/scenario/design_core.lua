-- The scenario of DESIGN.md's fixed core, verbatim: it must always load and run.
scenario { name = "Sports nutrition shop", days = 180, customers = 100000, seed = 42 }

persona "beginner" { share = 0.50, mood = 0, needs = "simple guidance", pains = "fear of choosing wrong" }
persona "athlete"  { share = 0.35, mood = 1 }
persona "coach"    { share = 0.15, mood = 1, team_size = 12 }

stage "awareness"     { entry = true, touchpoints = { "ads", "blog", "telegram" } }
stage "consideration" { touchpoints = { "site", "reviews" } }
stage "purchase"      { purchase = true, value = 40, emotion = -1,
                        thoughts = "When will it arrive? Did I choose right?" }
stage "usage"         { emotion = 1 }
stage "churned"       { terminal = true }

transition("awareness", "consideration", { beginner = 0.10, athlete = 0.15, coach = 0.20 })
transition("consideration", "purchase", 0.05)
transition("purchase", "usage", function(c) return c.days_in_stage >= 3 and 1 or 0 end)  -- 3-day delivery
transition("usage", "purchase", function(c) return 0.012 + 0.003 * c.mood end)           -- repeat purchase
transition("usage", "churned", function(c) return 0.020 - 0.003 * c.mood end)

intervention "order_notifications" { at = "purchase", mood = 1, cost_per_customer = 0.05 }
intervention "expert_consultation" {
  personas = { "beginner" }, scale = { ["usage->purchase"] = 1.4 }, cost_per_customer = 2.0,
}
