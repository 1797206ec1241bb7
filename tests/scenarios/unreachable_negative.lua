-- The repeat-purchase function is negative for moods below -1, but no
-- customer can have such a mood here: customers start at mood 1 and no stage
-- lowers it. Only reachable states are checked, so this scenario loads.
scenario { name = "Unreachable negative" }
persona "fan" { share = 1, mood = 1 }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
stage "usage" { emotion = 1 }
transition("visit", "buy", 0.1)
transition("buy", "usage", 1)
transition("usage", "buy", function(c) return 0.02 + 0.01 * c.mood end)
