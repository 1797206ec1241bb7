-- Two stages claim to be where the journey starts.
stage "ad" { entry = true }
stage "visit" { }
stage "search" { entry = true }
transition("ad", "visit", 0.1)
