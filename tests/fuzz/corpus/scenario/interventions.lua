persona "a" { share = 0.5, mood = -1, size = 3 }
persona "b" { share = 0.5 }
stage "s" { entry = true }
stage "buy" { purchase = true, value = { a = 10, b = 20 }, emotion = -2 }
stage "use" { emotion = 1 }
stage "gone" { terminal = true }
transition("s", "buy", { a = 0.1, b = 0.2 })
transition("buy", "use", function(c) return c.days_in_stage >= 2 and 1 or 0 end)
transition("use", "buy", function(c) return 0.02 * (c.size or 1) + 0.01 * c.mood end)
transition("use", "gone", 0.01)
intervention "x" { at = "buy", mood = 2, cost_per_use = 1 }
intervention "y" { personas = { "a" }, scale = { ["use->buy"] = 1.5 }, set = { ["s->gone"] = 0.05 } }
