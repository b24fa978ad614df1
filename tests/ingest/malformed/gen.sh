# gen.sh: writes sales.csv (it holds a NUL byte and a field over 1 MiB, so it is generated, not stored).
{
	printf '\357\273\277"date","customer","invoice","amount"\r\n'
	printf '2024-01-05,C1,I1,10.00\r\n'		# 2 ok
	printf '2024-01-05,C"2,I2,10.00\r\n'		# 3 stray quote
	printf '2024-01-05,C3,I3\r\n'			# 4 too few fields
	printf '2024-01-05,C4,I4,10.00,x\r\n'		# 5 too many fields
	printf '2024-01-05,C5,"'			# 6 huge field
	head -c 1100000 /dev/zero | tr '\0' 'x'
	printf '",10.00\r\n'
	printf '2024-01-05,C\0006,I6,10.00\r\n'		# 7 NUL byte
	printf '2024-01-05,"C7\r\nseven",I7,10.00\r\n'	# 8-9 multi-line, ok
	printf '2024-01-05,C8,I8,"10.00"x\r\n'		# 10 text after a closing quote
	printf '2024-01-05,C9,I9,10.00\r\n'		# 11 ok
	printf '2024-01-05,C10,"I10,10.00\r\n'		# 12 quote never closed
	printf '2024-01-05,C11,I11,10.00\r\n'		# 13 ok (read again after 12)
	printf '2024-01-05,C12,I12,10.00'		# 14 ok, no line end
} > sales.csv
