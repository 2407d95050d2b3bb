#define BOOST_TEST_MODULE fab_unit
#include <boost/test/unit_test.hpp>
