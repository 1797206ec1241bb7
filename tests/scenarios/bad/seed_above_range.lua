-- 2^63 is a float one above the largest seed: it must not wrap around.
scenario { seed = 2^63 }
stage "visit" { entry = true }
