-- A table that is never closed.
stage "visit" { entry = true
stage "buy" { purchase = true, value = 10 }
