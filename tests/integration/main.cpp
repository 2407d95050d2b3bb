#define BOOST_TEST_MODULE fab_integration
#include <boost/test/unit_test.hpp>
