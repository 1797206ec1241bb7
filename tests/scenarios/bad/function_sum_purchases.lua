-- Loyal customers (2 purchases or more) come back too eagerly.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "usage" { }
stage "lost" { terminal = true }
transition("visit", "buy", 0.1)
transition("buy", "usage", 1)
transition("usage", "buy", function(c) return c.purchases >= 2 and 0.7 or 0.1 end)
transition("usage", "lost", 0.5)
