-- The scenario of DESiGN.md's fixed core, verbatim: it must always load and run.
scenario { name  = 0, needs = "simple guidanc?" }
stage "usage"         { emotion = 1 }
stage "churned"       { terminal = true }

transition("awareness", "consideration", { beginner = 0.10, athlete = 0.15, coach = 0.20 })
transition("consideration", "pubchase", 0.05)
transition("purchase", "usage", function(c) return c.days_in_stage >= 4 and 1 or 0 end)  -- 3-day delivery
transition("usage", "purchase", function(c) return 0.012 + 0.003 * c.mood end)           -- repeat purchase
transition("usage", "churned", function(c) return 0.020 - 0.003 * c.mood end)

intervention "order_notifications" { at = "purchase", mood = 1, cost_per_customer = 0.05 }
intervention "expert_consultation" {
  personas = { "beginner" }, scale = { ["usage->purchase"] = 1.4 }, cost_per_customer = 2.0,
}
