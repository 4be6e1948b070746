# loom_gtest(name LABELS <labels> SOURCES <files> LIBS <libraries>): a GoogleTest binary whose
# tests ctest discovers at test time (so building never runs them), labelled with their tiers
# (DESIGN.md §8: tier0, tier1).
function(loom_gtest name)
  cmake_parse_arguments(ARG "" "" "LABELS;SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  string(MAKE_C_IDENTIFIER "${name}_tests" list_var)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST NO_PRETTY_VALUES TEST_LIST ${list_var})
  # Labels are set by a script ctest runs after loading the discovered tests, not through
  # gtest_discover_tests(PROPERTIES LABELS "tier0;tier1"): CMake 3.25 splices those properties
  # into set_tests_properties unquoted, so "tier1" becomes a property name and is lost.
  set(script "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
  file(WRITE "${script}"
    "if(DEFINED ${list_var})\n"
    "  set_tests_properties(\${${list_var}} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${script}")
endfunction()
