// bench_calibration.cc — how well a PE's speed calibration repeats on this machine.
//
// The balancer gives each PE work in proportion to its calibrated speed (runtime/measure.hpp), so
// two calibrations of the same core should agree. This runs the calibration N times back to back
// and prints each figure and the spread: "calibration <i> <units per CPU-second>" per run, then
// "calibration spread <max/min> over <N> runs". On a quiet core the spread is a few per cent; a
// larger one means something else is charging this thread's CPU clock (a busy hyperthread
// sibling, a hypervisor). Usage: bench_calibration [runs] (default 20).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/measure.hpp"

int main(int argc, char** argv) {
    int runs = 20;
    if (argc > 2 || (argc == 2 && (runs = std::atoi(argv[1])) < 1)) {
        std::fprintf(stderr, "usage: bench_calibration [runs >= 1]\n");
        return 2;
    }
    std::vector<double> speed;
    for (int i = 0; i < runs; ++i) {
        speed.push_back(mosix::rt::calibrate_pe_speed());
        std::printf("calibration %d %.4g\n", i, speed.back());
    }
    auto [lo, hi] = std::minmax_element(speed.begin(), speed.end());
    std::printf("calibration spread %.3f over %d runs\n", *hi / *lo, runs);
    return 0;
}
