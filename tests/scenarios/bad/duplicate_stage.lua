-- The same stage twice.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }

stage "visit" { }
