-- One intervention: the default variants are baseline and that one only.
scenario { name = "Single intervention" }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
stage "usage" { }
transition("visit", "buy", 0.1)
transition("buy", "usage", 1)
transition("usage", "buy", 0.02)
intervention "reminder" { scale = { ["usage->buy"] = 2 } }
