-- A misspelled key.
stage "visit" { entry = true }
stage "buy" { purchase = true, vaule = 10 }
