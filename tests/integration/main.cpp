// Catch's main for the integration suites (and their only source until the first suite lands).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
