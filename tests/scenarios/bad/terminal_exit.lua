-- Customers are meant to be lost for good, yet an edge leaves that stage.
stage "visit" { entry = true }
stage "lost" { terminal = true }
transition("visit", "lost", 0.1)
transition("lost", "visit", 0.01)
