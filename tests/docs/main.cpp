#define BOOST_TEST_MODULE fab_docs
#include <boost/test/unit_test.hpp>
