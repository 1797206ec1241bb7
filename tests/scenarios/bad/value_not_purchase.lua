-- An order value on a stage that is not a purchase.
stage "visit" { entry = true }
stage "cart" { value = 40 }
