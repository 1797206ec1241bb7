-- No stage is marked entry = true.
stage "visit" { }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
