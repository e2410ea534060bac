# Topologies, attributes, Info objects and error classes travel with a migrating rank
# (tests/migration/attributes_migrate.c). Needs migration.cmake's mosix_migration_test (this file
# sorts after it) and, like the other migration tests, not the sanitizer build.
if(MOSIX_SANITIZE)
  return()
endif()

mosix_test_program(migration ${CMAKE_CURRENT_SOURCE_DIR}/migration/attributes_migrate.c migration)
set(_attributes_ok "^attributes_migrate ok: [0-9]+ ranks, [1-9][0-9]* migrations$")
mosix_migration_test(attributes 7 2 "${_attributes_ok}" migration_attributes_migrate)
mosix_migration_test(attributes 16 3 "${_attributes_ok}" migration_attributes_migrate)
