"""Topic models of problem and measure statements, their inputs and their prevalence by report covariates."""
