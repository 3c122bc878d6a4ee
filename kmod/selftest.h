/* SPDX-License-Identifier: GPL-2.0 OR MIT */
#ifndef SRTPRELAY_SELFTEST_H
#define SRTPRELAY_SELFTEST_H

int srtprelay_selftest(void);

#endif
