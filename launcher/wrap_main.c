/* wrap_main.c — libmosix_main.a: makes the user's unchanged main() run once per rank.
 *
 * Programs are linked with -Wl,--wrap=main, so the C runtime's call to main() lands here and the
 * program's own main becomes __real_main. The runtime then runs __real_main as every rank's fiber.
 * This stays a tiny static archive (not part of libmosixcomm.so) because --wrap only rewrites
 * references inside the executable being linked. */

int __real_main(int argc, char** argv);
int mosix_runtime_main(int argc, char** argv, int (*user_main)(int, char**));

int __wrap_main(int argc, char** argv);
int __wrap_main(int argc, char** argv) { return mosix_runtime_main(argc, argv, __real_main); }
