package store

import "syscall"

// mmapFlags pre-faults bbolt's memory map when a file is opened (or grows):
// without it, the first read of each page of a large file takes a page
// fault, which set the p99 of reads on a 1 GiB file (perf/scale) at twice
// their p50 budget. Reading the file into the page table costs about a
// tenth of a second per GiB at open.
const mmapFlags = syscall.MAP_POPULATE
