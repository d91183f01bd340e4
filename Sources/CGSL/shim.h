// Umbrella header for the parts of GNU Scientific Library that ftte-sim uses.
// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef FTTE_CGSL_SHIM_H
#define FTTE_CGSL_SHIM_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_statistics_float.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_cblas.h>

/// GSL's MT19937 generator type. GSL exports it as a mutable global pointer that it never changes;
/// returning it from a function keeps Swift's strict concurrency checking satisfied.
static inline const gsl_rng_type *ftte_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }

#endif
