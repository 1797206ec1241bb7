-- 0/0 written as a plain probability.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0/0)
