-- 1e12 customers is the most; a float just above it is refused.
scenario { customers = 1e12 + 1 }
stage "visit" { entry = true }
