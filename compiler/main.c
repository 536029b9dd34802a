/* main.c: stub. */
int main(void)
{
	return 0;
}
