-- Customers who start grumpy (mood -3) get a negative probability.
persona "grumpy" { share = 1, mood = -3 }
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", function(c) return 0.05 + 0.02 * c.mood end)
