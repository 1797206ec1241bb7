stage "visit" { entry = true }
stage "order" { purchase = true, value = 10 }
transition("visit", "order", 0.1)
target "a" { stage = "order", reached = 5, of = 100, by_day = 10 }
target "b" { buyers = 5, of = 100 }
target "c" { repeat_buyers = 0, of = 100, persona = "everyone" }
