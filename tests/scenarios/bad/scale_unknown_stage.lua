-- The edge key of scale misspells a stage.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "usage" { }
transition("visit", "buy", 0.1)
transition("buy", "usage", 1)
transition("usage", "buy", 0.01)
intervention "reminder" {
  scale = { ["usage->bye"] = 1.5 },
}
