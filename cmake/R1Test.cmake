# r1_add_test(NAME SOURCES a.cpp b.cpp LIBS r1_model [LABELS label])
# One GoogleTest executable; each TEST becomes a ctest test. Tests run from the
# source tree root so they can read fixtures by relative path. OpenMP threads
# wait passively: ctest runs tests in parallel, and spinning threads of one
# test would starve the others. One label (default "unit";
# gtest_discover_tests would split a list): "slow" tests run only with
# scripts/test.sh --all; "kernels" tests also run on the AVX2 build
# (scripts/test.sh --avx2).
function(r1_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE R1_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             R1_BINARY_DIR="${CMAKE_BINARY_DIR}")
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  gtest_discover_tests(${name} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                       PROPERTIES LABELS "${labels}" ENVIRONMENT "OMP_WAIT_POLICY=PASSIVE"
                       DISCOVERY_TIMEOUT 60)
endfunction()
